package org.liaison.im;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recipient's acknowledgements, as an append-only file of framed records:
 * {@code [int length][payload: message id, device key][int CRC-32 of payload]}. Each append is
 * forced before {@link OfflineStore#acknowledge} returns. A crash mid-append leaves a torn last
 * record; replay keeps every record before it and cuts the file there, so the worst a crash
 * costs is one redelivery of a message whose acknowledgement was being written.
 */
final class AckLog {

    static final String FILE_NAME = "acks.log";

    private static final Logger log = LoggerFactory.getLogger(AckLog.class);

    record Ack(String messageId, String deviceKey) {
    }

    private AckLog() {
    }

    static void append(Path file, Ack ack) throws IOException {
        DurableFiles.appendDurably(file, frame(ack));
    }

    /** Replaces the log with only these acks, used to drop the acks of deleted messages. */
    static void rewrite(Path file, Collection<Ack> acks) throws IOException {
        if (acks.isEmpty()) {
            Files.deleteIfExists(file);
            DurableFiles.forceDirectory(file.getParent());
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Ack ack : acks) {
            bytes.writeBytes(frame(ack));
        }
        DurableFiles.writeAtomically(file, bytes.toByteArray());
    }

    /** Reads every intact record; a torn or corrupt tail is logged and cut off so appends follow good records. */
    static List<Ack> replay(Path file) throws IOException {
        List<Ack> acks = new ArrayList<>();
        if (!Files.exists(file)) {
            return acks;
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int good = 0;
        while (buffer.remaining() > 0) {
            Ack ack = readRecord(buffer);
            if (ack == null) {
                break;
            }
            acks.add(ack);
            good = buffer.position();
        }
        if (good < bytes.length) {
            log.warn("Ignoring {} bytes of torn or corrupt acknowledgement records at the end of {}; "
                    + "the messages they acknowledged will be delivered again", bytes.length - good, file);
            DurableFiles.truncate(file, good);
        }
        return acks;
    }

    /** Null when the buffer does not start with a whole, intact record. */
    private static Ack readRecord(ByteBuffer buffer) {
        if (buffer.remaining() < 4) {
            return null;
        }
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining() - 4) {
            return null;
        }
        byte[] payload = new byte[length];
        buffer.get(payload);
        if (crc(payload) != buffer.getInt()) {
            return null;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
            Ack ack = new Ack(Fields.readText(in), Fields.readText(in));
            return in.available() == 0 ? ack : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] frame(Ack ack) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(payload); DataOutputStream framed = new DataOutputStream(record)) {
            Fields.writeText(out, ack.messageId());
            Fields.writeText(out, ack.deviceKey());
            byte[] bytes = payload.toByteArray();
            framed.writeInt(bytes.length);
            framed.write(bytes);
            framed.writeInt(crc(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return record.toByteArray();
    }

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
