package org.liaison.sip.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.liaison.im.redis.ForkPorts;

/**
 * Ports free on loopback for both UDP and TCP at the time of asking, from this test JVM's slice of 10000-19999
 * ({@link ForkPorts}): never one the kernel hands to an outgoing connection meanwhile, never one the other test JVM
 * is about to bind.
 */
public final class FreePorts {
    private static final ForkPorts PORTS = new ForkPorts(10_000, 20_000);

    private FreePorts() {
    }

    public static int udpAndTcp() throws IOException {
        return udpAndTcpRun(1);
    }

    /**
     * The first of {@code count} consecutive ports free for both UDP and TCP (baresip listens for
     * TLS on its sip_listen port + 1).
     */
    public static int udpAndTcpRun(int count) throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = PORTS.nextBlock(count);
            if (allFree(loopback, first, count)) {
                return first;
            }
        }
        throw new IOException("no run of " + count + " ports free for both UDP and TCP on 127.0.0.1");
    }

    private static boolean allFree(InetAddress address, int first, int count) {
        for (int port = first; port < first + count; port++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, port))) {
                if (!tcpFree(address, port)) {
                    return false;
                }
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }

    private static boolean tcpFree(InetAddress address, int port) {
        try (ServerSocket tcp = new ServerSocket()) {
            tcp.setReuseAddress(true);
            tcp.bind(new InetSocketAddress(address, port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
