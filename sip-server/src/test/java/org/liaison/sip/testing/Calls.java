package org.liaison.sip.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Request texts for calls between {@link TestUa}s, with {@code {auth}} where credentials go. */
public final class Calls {
    public static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    private Calls() {
    }

    public static String invite(TestUa caller, String requestUri, String callId) {
        return invite(caller, requestUri, callId, SDP);
    }

    /** An INVITE offering {@code sdp}; an empty {@code sdp} makes an INVITE without offer (RFC 3261 §13.2.1). */
    public static String invite(TestUa caller, String requestUri, String callId, String sdp) {
        return withSdp("INVITE " + requestUri + " SIP/2.0\r\n"
                + "Via: " + caller.via(TestUa.newBranch()) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + caller.aor() + ">;tag=caller" + Math.abs(callId.hashCode()) + "\r\n"
                + "To: <" + requestUri + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + caller.nextCseq() + " INVITE\r\n"
                + "Contact: <" + caller.contact() + ">\r\n"
                + "{auth}"
                + "Content-Length: 0\r\n\r\n", sdp);
    }

    /** INVITE, 407, INVITE with {@code caller}'s credentials: returns the authenticated INVITE's text. */
    public static String sendAuthenticated(TestUa caller, String password, String requestUri, String callId,
            String sdp) throws IOException {
        TestUa.Challenged exchange = caller.sendAnsweringChallenge(invite(caller, requestUri, callId, sdp), password);
        if (exchange.first().status() != 407) {
            throw new AssertionError("expected a 407 challenge: " + exchange.first());
        }
        return exchange.retry();
    }

    /**
     * {@code callee} answers {@code invite} 200 with {@code toTag}; {@code caller} gets the 200 and
     * acknowledges it. Returns the 200 as the caller got it.
     */
    public static SipText answer(TestUa caller, TestUa callee, SipText invite, String toTag) throws IOException {
        callee.respond(invite, 200, "OK", toTag, null, null);
        SipText ok = caller.awaitResponse("INVITE", 200);
        if (ok.status() != 200) {
            throw new AssertionError("expected the callee's 200: " + ok);
        }
        ack(caller, callee, ok);
        return ok;
    }

    /** {@code caller} acknowledges the 2xx {@code ok} (RFC 3261 §13.2.2.4); the ACK reaches {@code callee}. */
    public static void ack(TestUa caller, TestUa callee, SipText ok) throws IOException {
        caller.send(fromCaller(caller, ok, "ACK", 2));
        callee.awaitRequest("ACK");
    }

    /** {@code caller} hangs up the call of {@code ok}; {@code callee} answers the BYE 200: the status the caller gets. */
    public static int hangUp(TestUa caller, TestUa callee, SipText ok) throws IOException {
        caller.send(fromCaller(caller, ok, "BYE", 3));
        callee.respond(callee.awaitRequest("BYE"), 200, "OK", null, null, null);
        return caller.awaitResponse("BYE", 200).status();
    }

    /** {@code callee} hangs up the call of {@code invite} it answered with {@code toTag}: the status it gets. */
    public static int hangUpFromCallee(TestUa callee, TestUa caller, SipText invite, String toTag) throws IOException {
        callee.send(fromCallee(callee, invite, toTag, "BYE", 1));
        caller.respond(caller.awaitRequest("BYE"), 200, "OK", null, null, null);
        return callee.awaitResponse("BYE", 200).status();
    }

    /**
     * {@code caller} cancels its {@code invite} (the text it sent) once {@code callee} rings: the CANCEL is answered
     * 200 and reaches the callee, which answers it and ends the INVITE with 487 (RFC 3261 §9.2). Returns the status
     * of the INVITE's final answer as the caller gets it.
     */
    public static int cancelWhileRinging(TestUa caller, TestUa callee, String invite) throws IOException {
        SipText received = callee.awaitRequest("INVITE");
        callee.respond(received, 180, "Ringing", "calleetag", null, null);
        caller.await(m -> m.isResponse() && m.status() == 180, java.time.Duration.ofSeconds(5));
        caller.send(cancelOf(invite));
        SipText cancelled = caller.awaitResponse("CANCEL", 200);
        if (cancelled.status() != 200) {
            throw new AssertionError("expected the CANCEL answered 200: " + cancelled);
        }
        callee.respond(callee.awaitRequest("CANCEL"), 200, "OK", null, null, null);
        callee.respond(received, 487, "Request Terminated", "calleetag", null, null);
        return caller.awaitResponse("INVITE", 300).status();
    }

    /** RFC 3261 §9.1: CANCEL copies the INVITE's Request-URI, top Via, From, To, Call-ID and CSeq number. */
    public static String cancelOf(String invite) {
        String head = invite.substring(0, invite.indexOf("\r\n\r\n"));
        StringBuilder b = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (line.startsWith("INVITE ")) {
                b.append(line.replaceFirst("INVITE", "CANCEL"));
            } else if (line.startsWith("CSeq:")) {
                b.append(line.replace("INVITE", "CANCEL"));
            } else if (line.startsWith("Via:") || line.startsWith("From:") || line.startsWith("To:")
                    || line.startsWith("Call-ID:") || line.startsWith("Max-Forwards:")) {
                b.append(line);
            } else {
                continue;
            }
            b.append("\r\n");
        }
        return b.append("Content-Length: 0\r\n\r\n").toString();
    }

    /** {@code request} (without a body) carrying {@code sdp} instead; unchanged for an empty one. */
    public static String withSdp(String request, String sdp) {
        if (sdp.isEmpty()) {
            return request;
        }
        return request.replace("Content-Length: 0\r\n\r\n", "Content-Type: application/sdp\r\nContent-Length: "
                + sdp.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + sdp);
    }

    /**
     * An in-dialog request from the caller after a 2xx: Request-URI = the callee's Contact, Route =
     * the Record-Route of the 2xx reversed (RFC 3261 §12.1.2).
     */
    public static String fromCaller(TestUa caller, SipText ok, String method, int cseq) {
        List<String> routes = new ArrayList<>(recordRoutes(ok));
        Collections.reverse(routes);
        return inDialog(caller, method, contactUri(ok.header("contact").orElseThrow()), routes,
                ok.header("from").orElseThrow(), ok.header("to").orElseThrow(), ok.header("call-id").orElseThrow(),
                cseq + " " + method);
    }

    /** An in-dialog request from the callee, built from the INVITE it received (RFC 3261 §12.1.1). */
    public static String fromCallee(TestUa callee, SipText invite, String toTag, String method, int cseq) {
        return inDialog(callee, method, contactUri(invite.header("contact").orElseThrow()), recordRoutes(invite),
                invite.header("to").orElseThrow() + ";tag=" + toTag, invite.header("from").orElseThrow(),
                invite.header("call-id").orElseThrow(), cseq + " " + method);
    }

    /** An in-dialog request with these dialog fields, as {@code ua} would send it (a re-INVITE names its Contact). */
    public static String inDialog(TestUa ua, String method, String requestUri, List<String> routes, String from,
            String to, String callId, String cseq) {
        StringBuilder b = new StringBuilder(method + " " + requestUri + " SIP/2.0\r\n")
                .append("Via: ").append(ua.via(TestUa.newBranch())).append("\r\n")
                .append("Max-Forwards: 70\r\n");
        routes.forEach(r -> b.append("Route: ").append(r).append("\r\n"));
        return b.append("From: ").append(from).append("\r\n")
                .append("To: ").append(to).append("\r\n")
                .append("Call-ID: ").append(callId).append("\r\n")
                .append("CSeq: ").append(cseq).append("\r\n")
                .append("INVITE".equals(method) ? "Contact: <" + ua.contact() + ">\r\n" : "")
                .append("Content-Length: 0\r\n\r\n").toString();
    }

    /** Record-Route values in order; one header may hold several comma-separated entries. */
    public static List<String> recordRoutes(SipText message) {
        List<String> all = new ArrayList<>();
        for (String value : message.all("record-route")) {
            for (String part : value.split(",(?=\\s*<)")) {
                all.add(part.trim());
            }
        }
        return all;
    }

    public static String contactUri(String contactHeader) {
        int lt = contactHeader.indexOf('<');
        return lt < 0 ? contactHeader.split(";")[0].trim() : contactHeader.substring(lt + 1, contactHeader.indexOf('>'));
    }
}
