package org.liaison.sip.registrar;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.liaison.sip.message.Flow;

/**
 * The bytes of one journal record: an AoR and its complete binding list (empty = removed). Each
 * record states the whole list, so replay needs no merging and the last record of an AoR wins.
 *
 * <p>Version 1 layout, big-endian, strings as {@code [int byte length][UTF-8]}:
 * {@code version:byte, aor, count:int}, then per binding {@code contactUri, contactHeader,
 * hasInstance:boolean, [instance], hasRegId:boolean, [regId:int], callId, cseq:long,
 * expiresAt:(long seconds, int nanos), registeredAt:(long, int), pathCount:int, path...,
 * transport, remoteAddress, remotePort:int, localAddress, localPort:int}. Version 2 (written since
 * bindings record their owning node, issue 10) adds {@code node} after each binding's {@code localPort};
 * a version 1 record (journals and Redis data of earlier releases) reads with no node. A later layout
 * gets a new version byte and this class keeps reading the old ones.
 */
final class BindingCodec {
    static final byte VERSION_1 = 1;
    static final byte VERSION_2 = 2;

    record AorBindings(String aor, List<Binding> bindings) {
    }

    private BindingCodec() {
    }

    static byte[] encode(String aor, List<Binding> bindings) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * (bindings.size() + 1));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION_2);
            writeString(out, aor);
            out.writeInt(bindings.size());
            for (Binding binding : bindings) {
                writeBinding(out, binding);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return bytes.toByteArray();
    }

    static AorBindings decode(byte[] record) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            byte version = in.readByte();
            if (version != VERSION_1 && version != VERSION_2) {
                throw new IllegalStateException("unknown location record version " + version
                        + ": written by a newer Liaison?");
            }
            String aor = readString(in);
            int count = in.readInt();
            List<Binding> bindings = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                bindings.add(readBinding(in, aor, version));
            }
            return new AorBindings(aor, bindings);
        } catch (IOException e) {
            // The journal's CRC matched, so this is a bug or a foreign file, not a torn write.
            throw new UncheckedIOException("malformed location record", e);
        }
    }

    private static void writeBinding(DataOutputStream out, Binding binding) throws IOException {
        writeString(out, binding.contactUri());
        writeString(out, binding.contactHeader());
        out.writeBoolean(binding.instanceId().isPresent());
        if (binding.instanceId().isPresent()) {
            writeString(out, binding.instanceId().get());
        }
        out.writeBoolean(binding.regId().isPresent());
        if (binding.regId().isPresent()) {
            out.writeInt(binding.regId().getAsInt());
        }
        writeString(out, binding.callId());
        out.writeLong(binding.cseq());
        writeInstant(out, binding.expiresAt());
        writeInstant(out, binding.registeredAt());
        out.writeInt(binding.path().size());
        for (String hop : binding.path()) {
            writeString(out, hop);
        }
        Flow flow = binding.flow();
        writeString(out, flow.transport());
        writeString(out, flow.remoteAddress());
        out.writeInt(flow.remotePort());
        writeString(out, flow.localAddress());
        out.writeInt(flow.localPort());
        writeString(out, binding.node());
    }

    private static Binding readBinding(DataInputStream in, String aor, byte version) throws IOException {
        String contactUri = readString(in);
        String contactHeader = readString(in);
        Optional<String> instanceId = in.readBoolean() ? Optional.of(readString(in)) : Optional.empty();
        OptionalInt regId = in.readBoolean() ? OptionalInt.of(in.readInt()) : OptionalInt.empty();
        String callId = readString(in);
        long cseq = in.readLong();
        Instant expiresAt = readInstant(in);
        Instant registeredAt = readInstant(in);
        int hops = in.readInt();
        List<String> path = new ArrayList<>(hops);
        for (int i = 0; i < hops; i++) {
            path.add(readString(in));
        }
        Flow flow = new Flow(readString(in), readString(in), in.readInt(), readString(in), in.readInt());
        String node = version == VERSION_1 ? "" : readString(in);
        return new Binding(aor, contactUri, contactHeader, instanceId, regId, callId, cseq, expiresAt, path, flow,
                registeredAt, node);
    }

    private static void writeInstant(DataOutputStream out, Instant instant) throws IOException {
        out.writeLong(instant.getEpochSecond());
        out.writeInt(instant.getNano());
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    /** Not writeUTF: its 64 KiB limit and modified UTF-8 are needless traps. */
    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("string length " + length + " exceeds the record");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
