package org.liaison.im.messaging;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;
import org.liaison.im.messaging.UndecodableBodyException.Reason;

/**
 * Undoes a body's Content-Encoding (RFC 3261 §20.12) before it is kept: a kept message is later
 * re-sent as a new request that carries only its Content-Type, so it must be kept as the message
 * itself, not as the bytes it travelled in. liblinphone compresses every notification it sends
 * ({@code Content-Encoding: deflate}, belle-sip's zlib stream); kept compressed, a receipt arrived
 * as garbage. Decoding stops one byte past the limit, so a small body that inflates to gigabytes
 * costs no more memory than one at the limit.
 */
final class ContentCodings {
    /** The codings {@link #decode} undoes, for Accept-Encoding (RFC 3261 §20.2). */
    static final String ACCEPTED = "deflate, gzip, identity";

    private ContentCodings() {
    }

    /**
     * {@code body} with {@code codings} undone, last applied first (RFC 9110 §8.4: listed in the
     * order they were applied).
     */
    static byte[] decode(List<String> codings, byte[] body, int maxBytes) throws UndecodableBodyException {
        byte[] decoded = body;
        for (int i = codings.size() - 1; i >= 0; i--) {
            String coding = codings.get(i).trim().toLowerCase(Locale.ROOT);
            decoded = switch (coding) {
                case "identity", "" -> decoded;
                case "deflate" -> inflate(decoded, maxBytes, false);
                case "gzip", "x-gzip" -> inflate(decoded, maxBytes, true);
                default -> throw new UndecodableBodyException(Reason.UNSUPPORTED_CODING,
                        "unsupported content coding " + coding);
            };
        }
        return decoded;
    }

    private static byte[] inflate(byte[] compressed, int maxBytes, boolean gzip) throws UndecodableBodyException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(compressed))
                : new InflaterInputStream(new ByteArrayInputStream(compressed))) {
            byte[] chunk = new byte[8192];
            int read;
            while ((read = in.read(chunk)) > 0) {
                out.write(chunk, 0, read);
                if (out.size() > maxBytes) {
                    throw new UndecodableBodyException(Reason.TOO_LARGE,
                            "body decodes to more than " + maxBytes + " bytes");
                }
            }
        } catch (ZipException | EOFException e) {
            throw new UndecodableBodyException(Reason.MALFORMED, "body is not " + (gzip ? "gzip" : "deflate")
                    + ": " + e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
