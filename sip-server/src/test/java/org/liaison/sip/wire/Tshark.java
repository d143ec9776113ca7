package org.liaison.sip.wire;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A packet capture on the loopback interface with tshark, limited to a UDP port range and to a
 * duration (tshark's own {@code -a duration}), read back as UDP packets. Capturing on {@code lo}
 * needs root or the wireshark group's dumpcap capability (CI runs as root).
 */
final class Tshark implements AutoCloseable {
    private final Path binary;
    private final Path file;
    private final ChildProcess process;

    private Tshark(Path binary, Path file, ChildProcess process) {
        this.binary = binary;
        this.file = file;
        this.process = process;
    }

    /** UDP datagrams between two loopback ports. */
    record Packet(int sourcePort, int destinationPort, byte[] payload) {
    }

    /** Starts capturing UDP on {@code lo} to or from ports {@code min..max}; returns once tshark listens. */
    static Tshark capture(Path dir, int min, int max, Duration limit) throws IOException {
        Path binary = Tools.require("tshark");
        Path file = dir.resolve("capture.pcapng");
        ChildProcess process = ChildProcess.start("tshark", List.of(binary.toString(), "-i", "lo", "-n",
                "-f", "udp portrange " + min + "-" + max, "-a", "duration:" + limit.toSeconds(), "-w", file.toString()),
                dir, dir.resolve("tshark.out"), Map.of());
        Tshark capture = new Tshark(binary, file, process);
        if (!process.awaitOutput("Capturing on", Duration.ofSeconds(15))) {
            capture.close();
            throw new IOException("tshark did not start capturing: " + process.outputText());
        }
        return capture;
    }

    /** Stops the capture and reads every UDP packet it holds. */
    List<Packet> packets() throws IOException {
        close();
        Path fields = file.resolveSibling("capture.txt");
        ChildProcess reader = ChildProcess.start("tshark -r", List.of(binary.toString(), "-r", file.toString(), "-n",
                "-T", "fields", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "udp.payload"),
                file.getParent(), fields, Map.of());
        if (reader.awaitExit(Duration.ofSeconds(30)).orElse(-1) != 0) {
            reader.close();
            throw new IOException("tshark could not read " + file + ": " + reader.outputText());
        }
        List<Packet> packets = new ArrayList<>();
        for (String line : Files.readAllLines(fields)) {
            String[] f = line.split("\t");
            if (f.length == 3 && f[0].matches("\\d+")) {
                packets.add(new Packet(Integer.parseInt(f[0]), Integer.parseInt(f[1]),
                        HexFormat.of().parseHex(f[2].replace(":", ""))));
            }
        }
        return packets;
    }

    @Override
    public void close() {
        process.close();
    }
}
