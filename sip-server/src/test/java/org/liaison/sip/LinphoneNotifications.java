package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.Deflater;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestUa;

/**
 * Delivery notifications (IMDN, RFC 5438) byte for byte as liblinphone 5.1 sends them from a basic
 * chat room (seen in linphonec's log): a MESSAGE of their own, {@code Content-Encoding: deflate}
 * (belle-sip's zlib stream), {@code Priority: non-urgent}, the original MESSAGE's Call-ID as
 * message-id.
 */
final class LinphoneNotifications {
    private LinphoneNotifications() {
    }

    /** What liblinphone writes for a delivered message (Imdn::createXml), one line, no pretty-printing. */
    static String deliveredXml(String messageId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?><imdn xmlns=\"urn:ietf:params:xml:ns:imdn\">"
                + "<message-id>" + messageId + "</message-id><datetime>2026-12-06T01:48:46Z</datetime>"
                + "<delivery-notification><status><delivered/></status></delivery-notification></imdn>";
    }

    /** A MESSAGE from {@code from} with a binary-safe body, answering the 407; returns the final response. */
    static SipText send(TestUa from, String password, String requestUri, String contentType, String contentEncoding,
            byte[] body) throws IOException {
        sendAuthenticated(from, password, requestUri, contentType, contentEncoding, body);
        return from.awaitResponse("MESSAGE", 200);
    }

    /** Sends the MESSAGE, and again with credentials once the server challenges it (407); returns at once. */
    static void sendAuthenticated(TestUa from, String password, String requestUri, String contentType,
            String contentEncoding, byte[] body) throws IOException {
        String callId = UUID.randomUUID().toString();
        from.sendBytes(message(from, requestUri, callId, from.nextCseq(), contentType, contentEncoding, "", body));
        SipText challenge = from.awaitResponse("MESSAGE", 200);
        assertEquals(407, challenge.status(), challenge::toString);
        from.sendBytes(message(from, requestUri, callId, from.nextCseq(), contentType, contentEncoding,
                from.authorization(challenge, "MESSAGE", requestUri, from.user(), password), body));
    }

    /** liblinphone's headers for a notification: Priority non-urgent (RFC 3261 §20.26), Content-Encoding. */
    private static byte[] message(TestUa from, String requestUri, String callId, int cseq, String contentType, String contentEncoding,
            String authorization, byte[] body) {
        String head = "MESSAGE " + requestUri + " SIP/2.0\r\n"
                + "Via: " + from.via(TestUa.newBranch()) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + from.aor() + ">;tag=p-qBcwikM\r\n"
                + "To: <" + requestUri + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " MESSAGE\r\n"
                + "Supported: replaces,outbound,gruu\r\n"
                + (contentEncoding == null ? "" : "Content-Encoding: " + contentEncoding + "\r\n")
                + "Content-Type: " + contentType + "\r\n"
                + "Priority: non-urgent\r\n"
                + "User-Agent: Linphonec/5.1.65\r\n"
                + authorization
                + "Content-Length: " + body.length + "\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }


    /** zlib deflate, what belle-sip sends for {@code Content-Encoding: deflate}. */
    static byte[] deflate(String text) {
        Deflater deflater = new Deflater();
        deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        while (!deflater.finished()) {
            out.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        return out.toByteArray();
    }
}
