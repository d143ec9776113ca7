package org.liaison.sip.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;

/** A presence subscriber (RFC 6665) over a {@link TestUa}: one subscription dialog at a time. */
public final class Subscriber {
    public static final Predicate<SipText> NOTIFY = m -> !m.isResponse() && "NOTIFY".equals(m.method());

    private final TestUa ua;
    private final String password;
    private final String fromTag = "s" + UUID.randomUUID().toString().substring(0, 8);
    private String callId;
    private String target;
    private String toTag;
    private String remoteTarget;

    public Subscriber(TestUa ua, String password) {
        this.ua = ua;
        this.password = password;
    }

    /** A new subscription to {@code target} (credentials given on challenge): the final answer. */
    public SipText subscribe(String target, int expires, String extraHeaders, String contentType, String body)
            throws IOException {
        this.target = target;
        this.callId = "sub-" + UUID.randomUUID();
        SipText answer = ua.sendWithAuth(request("SUBSCRIBE " + target, null, expires, extraHeaders, contentType,
                body), password);
        if (answer.status() == 200) {
            toTag = SipText.tagOf(answer.header("to").orElseThrow());
            String contact = answer.header("contact").orElseThrow();
            remoteTarget = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
        }
        return answer;
    }

    public SipText subscribe(String target, int expires) throws IOException {
        return subscribe(target, expires, "", null, null);
    }

    /** A SUBSCRIBE in the dialog (a refresh, or an unsubscription with 0), to the Contact the 200 gave. */
    public SipText refresh(int expires) throws IOException {
        ua.send(request("SUBSCRIBE " + remoteTarget, toTag, expires, "", null, null).replace("{auth}", ""));
        return ua.awaitResponse("SUBSCRIBE", 200);
    }

    /** The next NOTIFY, answered {@code status}. */
    public SipText awaitNotify(int status, Duration timeout) throws IOException {
        SipText notify = ua.await(NOTIFY, timeout);
        ua.respond(notify, status, status == 200 ? "OK" : "Refused", null, null, null);
        return notify;
    }

    public SipText awaitNotify() throws IOException {
        return awaitNotify(200, Duration.ofSeconds(5));
    }

    /** Whether no NOTIFY comes within {@code window}. */
    public boolean getsNoNotify(Duration window) throws IOException {
        return ua.receivesNothing(NOTIFY, window);
    }

    public String toTag() {
        return toTag;
    }

    private String request(String requestLine, String tag, int expires, String extraHeaders, String contentType,
            String body) {
        String content = body == null ? "" : body;
        return requestLine + " SIP/2.0\r\n"
                + "Via: " + ua.via(TestUa.newBranch()) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + ua.aor() + ">;tag=" + fromTag + "\r\n"
                + "To: <" + target + ">" + (tag == null ? "" : ";tag=" + tag) + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + ua.nextCseq() + " SUBSCRIBE\r\n"
                + "Contact: <" + ua.contact() + ">\r\n"
                + "Event: presence\r\n"
                + extraHeaders
                + "Expires: " + expires + "\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "{auth}"
                + "Content-Length: " + content.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + content;
    }
}
