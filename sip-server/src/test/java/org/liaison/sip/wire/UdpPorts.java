package org.liaison.sip.wire;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.liaison.im.redis.ForkPorts;

/**
 * Loopback UDP ports for the programs under test: blocks of consecutive free ports (RTP ranges,
 * sipp's media ports) and whether a port has been bound by someone (a child process is listening).
 */
public final class UdpPorts {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /**
     * Above the usual RTP ranges and below Linux's ephemeral range (32768+ is avoided on purpose), this test JVM's
     * slice of it ({@link ForkPorts}).
     */
    private static final ForkPorts BLOCKS = new ForkPorts(20_000, 32_000);

    private UdpPorts() {
    }

    /**
     * The first port of {@code count} consecutive UDP ports free on 127.0.0.1 right now, after the
     * blocks handed out before it: a block a program binds only later (a relay's range, bound call by
     * call) is free at a second asking, and a client given it would send media to the relay's own port.
     */
    public static synchronized int freeBlock(int count) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = BLOCKS.nextBlock(count + 1) + 1 & ~1; // even, as RTP likes
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IOException("no block of " + count + " free UDP ports on 127.0.0.1");
    }

    private static boolean allFree(int base, int count) {
        List<DatagramSocket> held = new ArrayList<>();
        try {
            for (int p = base; p < base + count; p++) {
                held.add(new DatagramSocket(new InetSocketAddress(LOOPBACK, p)));
            }
            return true;
        } catch (SocketException taken) {
            return false;
        } finally {
            held.forEach(DatagramSocket::close);
        }
    }

    /** Whether some process has a UDP socket bound to {@code port} (from /proc/net/udp). */
    static boolean isBound(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X ", port);
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 1 && (fields[1] + " ").endsWith(hexPort)) {
                    return true;
                }
            }
            return false;
        } catch (IOException noProc) {
            // not Linux: try to bind it ourselves
            try {
                new DatagramSocket(new InetSocketAddress(LOOPBACK, port)).close();
                return false;
            } catch (SocketException taken) {
                return true;
            }
        }
    }
}
