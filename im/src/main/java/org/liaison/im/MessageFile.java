package org.liaison.im;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.zip.CRC32;

/**
 * The bytes of one message file: a magic number and format version, the header fields, the
 * body, and a CRC-32 of all of it. Version 2 ({@code LIM2}) adds the origin after the sender;
 * version 1 files, written before origins were kept, still load, their origin being their sender.
 * The CRC is a second line of defence; the first is that a message file only ever appears,
 * complete and fsync'd, by an atomic rename.
 */
final class MessageFile {

    static final String SUFFIX = ".msg";

    private static final int MAGIC_V1 = 0x4C494D31; // "LIM1"
    private static final int MAGIC = 0x4C494D32; // "LIM2"

    private MessageFile() {
    }

    static byte[] encode(StoredMessage message) {
        byte[] body = message.body();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            Fields.writeText(out, message.id());
            Fields.writeText(out, message.recipient());
            Fields.writeText(out, message.sender());
            Fields.writeText(out, message.origin());
            Fields.writeText(out, message.callId());
            Fields.writeText(out, message.contentType());
            writeInstant(out, message.receivedAt());
            writeInstant(out, message.expiresAt());
            Fields.writeBytes(out, body);
            out.writeInt(crc(bytes.toByteArray(), bytes.size()));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** @throws IOException when the bytes are not a whole, intact message file */
    static StoredMessage decode(byte[] bytes) throws IOException {
        if (bytes.length < 8) {
            throw new IOException("message file too short: " + bytes.length + " bytes");
        }
        int expected = (bytes[bytes.length - 4] & 0xFF) << 24 | (bytes[bytes.length - 3] & 0xFF) << 16
                | (bytes[bytes.length - 2] & 0xFF) << 8 | (bytes[bytes.length - 1] & 0xFF);
        if (crc(bytes, bytes.length - 4) != expected) {
            throw new IOException("message file fails its CRC check");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4));
        int magic = in.readInt();
        if (magic != MAGIC && magic != MAGIC_V1) {
            throw new IOException("not a message file (bad magic number)");
        }
        String id = Fields.readText(in);
        String recipient = Fields.readText(in);
        String sender = Fields.readText(in);
        String origin = magic == MAGIC ? Fields.readText(in) : sender;
        String callId = Fields.readText(in);
        String contentType = Fields.readText(in);
        Instant receivedAt = readInstant(in);
        Instant expiresAt = readInstant(in);
        byte[] body = Fields.readBytes(in);
        if (in.available() != 0) {
            throw new IOException("message file has " + in.available() + " unexpected trailing bytes");
        }
        return new StoredMessage(id, recipient, sender, callId, contentType, body, receivedAt, expiresAt, origin);
    }

    private static void writeInstant(DataOutputStream out, Instant instant) throws IOException {
        out.writeLong(instant.getEpochSecond());
        out.writeInt(instant.getNano());
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private static int crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
