package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.MessageChannel;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the message boundaries of a SIP byte stream (RFC 3261 §18.3) exactly as JAIN-SIP's NIO
 * parser finds them, to refuse what that parser would take blindly: it allocates the body of a
 * message as soon as it has read the headers, in an array of whatever size Content-Length claims,
 * before any limit is checked. One {@code Content-Length: 999999999} ran a 64 MB server out of
 * memory. Here a stream is refused when a Content-Length is not a number from 0 to the largest
 * message, or a header block grows beyond it.
 *
 * <p>Same framing as the parser's: lines end at LF; a line that is exactly CR LF ends the headers
 * (one before any header is a keep-alive); a line whose lower-case form starts with
 * {@code content-length} gives the body size (the parser does not know the compact {@code l}).
 * Not thread-safe: one per connection, fed by its reading thread.
 */
final class StreamFraming {
    private static final Logger log = LoggerFactory.getLogger(StreamFraming.class);
    private static final String CONTENT_LENGTH = "content-length";

    private final int maxMessageBytes;
    private final StringBuilder line = new StringBuilder();
    private int headerBytes;
    private boolean sawHeader;
    private long contentLength;
    private long bodyLeft;

    StreamFraming(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Follows {@code bytes} read from {@code connection}: true if they may go on to its parser; false
     * once the stream has broken a limit, after closing {@code connection}.
     */
    boolean admits(byte[] bytes, MessageChannel connection) {
        if (accept(bytes)) {
            return true;
        }
        log.debug("closing connection from {}: message too large or Content-Length out of range",
                connection.getPeerAddress());
        connection.close();
        return false;
    }

    /** Follows {@code bytes}; false once the stream has broken a limit (it should then be closed). */
    boolean accept(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bodyLeft > 0) {
                long skip = Math.min(bodyLeft, bytes.length - i);
                bodyLeft -= skip;
                i += (int) skip - 1;
                continue;
            }
            if (++headerBytes > maxMessageBytes) {
                return false;
            }
            char c = (char) (bytes[i] & 0xff);
            line.append(c);
            if (c == '\n' && !endOfLine()) {
                return false;
            }
        }
        return true;
    }

    private boolean endOfLine() {
        String text = line.toString();
        line.setLength(0);
        if (text.equals("\r\n")) {
            if (sawHeader) {
                bodyLeft = contentLength;
                sawHeader = false;
                contentLength = 0;
            }
            headerBytes = 0;
            return true;
        }
        sawHeader = true;
        if (text.toLowerCase(Locale.ROOT).startsWith(CONTENT_LENGTH)) {
            try {
                contentLength = Long.parseLong(text.substring(CONTENT_LENGTH.length() + 1).trim());
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                return false;
            }
            return contentLength >= 0 && contentLength <= maxMessageBytes;
        }
        return true;
    }
}
