package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.MessageChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the message boundaries of a SIP byte stream (RFC 3261 §18.3) exactly as JAIN-SIP's NIO
 * parser finds them, to refuse what that parser would take blindly: it allocates the body of a
 * message as soon as it has read the headers, in an array of whatever size Content-Length claims,
 * before any limit is checked. One {@code Content-Length: 999999999} ran a 64 MB server out of
 * memory. Here a stream is refused when a Content-Length is not a number from 0 to the largest
 * message, or a header block grows beyond it. And each header block is held until it is whole and
 * checked by {@link StrictSyntax}: a malformed message never reaches the parser (which, reading line
 * by line, would not even see a bare CR).
 *
 * <p>Same framing as the parser's: lines end at LF; a line that is exactly CR LF ends the headers
 * (one before any header is a keep-alive); a line whose lower-case form starts with
 * {@code content-length} gives the body size (the parser does not know the compact {@code l}).
 * Not thread-safe: one per connection, fed by its reading thread.
 */
final class StreamFraming {
    private static final Logger log = LoggerFactory.getLogger(StreamFraming.class);
    private static final String CONTENT_LENGTH = "content-length";

    /** How a refusal goes back over the connection. */
    interface Reply {
        void send(byte[] response) throws IOException;
    }

    private final int maxMessageBytes;
    private final ResponsesSent sent;
    private final StringBuilder line = new StringBuilder();
    private final ByteArrayOutputStream headerBlock = new ByteArrayOutputStream();
    private final ByteArrayOutputStream admitted = new ByteArrayOutputStream();
    private final List<byte[]> answers = new ArrayList<>();
    private int headerBytes;
    private boolean sawHeader;
    private long contentLength;
    private long bodyLeft;
    private boolean bodyAdmitted;

    /** {@code sent}: told of each refusal answered. */
    StreamFraming(int maxMessageBytes, ResponsesSent sent) {
        this.maxMessageBytes = maxMessageBytes;
        this.sent = sent;
    }

    /**
     * What of {@code bytes}, read from {@code connection}, may go on to its parser (maybe nothing
     * yet: a header block is held until it is whole); null once the stream has broken a limit,
     * after closing {@code connection}. A message {@link StrictSyntax} refuses is left out, header
     * block and body, and a request among them answered through {@code reply}.
     */
    byte[] admit(byte[] bytes, MessageChannel connection, Reply reply) {
        if (!follow(bytes)) {
            log.debug("closing connection from {}: message too large or Content-Length out of range",
                    connection.getPeerAddress());
            connection.close();
            return null;
        }
        for (byte[] answer : answers) {
            try {
                reply.send(answer);
                sent.refused(answer);
            } catch (IOException e) {
                log.debug("could not answer {}: {}", connection.getPeerAddress(), e.toString());
            }
        }
        answers.clear();
        byte[] out = admitted.toByteArray();
        admitted.reset();
        return out;
    }

    private boolean follow(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bodyLeft > 0) {
                int skip = (int) Math.min(bodyLeft, bytes.length - i);
                if (bodyAdmitted) {
                    admitted.write(bytes, i, skip);
                }
                bodyLeft -= skip;
                i += skip - 1;
                continue;
            }
            if (++headerBytes > maxMessageBytes) {
                return false;
            }
            char c = (char) (bytes[i] & 0xff);
            line.append(c);
            headerBlock.write(bytes[i]);
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
                endOfHeaders();
            } else {
                admitted.writeBytes(headerBlock.toByteArray()); // a keep-alive: the parser answers it
            }
            headerBlock.reset();
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

    /** A whole header block: on to the parser with its body, or refused with it. */
    private void endOfHeaders() {
        byte[] block = headerBlock.toByteArray();
        Optional<StrictSyntax.Violation> violation = StrictSyntax.check(block, block.length);
        bodyAdmitted = violation.isEmpty();
        if (bodyAdmitted) {
            admitted.writeBytes(block);
        } else {
            StrictSyntax.Violation v = violation.get();
            Optional<byte[]> answer = StatelessRefusal.to(block, block.length, v.status, v.phrase);
            log.debug("refused a message on a stream: {} ({})", v.description,
                    answer.isPresent() ? "answered " + v.status : "dropped");
            answer.ifPresent(answers::add);
        }
        bodyLeft = contentLength;
        sawHeader = false;
        contentLength = 0;
    }
}
