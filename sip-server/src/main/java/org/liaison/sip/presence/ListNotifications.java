package org.liaison.sip.presence;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The body of a list subscription's NOTIFY (RFC 4662 §5): multipart/related (RFC 2387) whose root
 * is the RLMI document naming each resource and the Content-ID of its state, then one PIDF part per
 * resource. A full-state notification lists every resource; a partial one only those that changed.
 */
final class ListNotifications {
    /** A body and the Content-Type header value that goes with it. */
    record Body(String contentType, String text) {
    }

    /** The user part of the list's URI, {@code sip:rls@DOMAIN}, as Flexisip's presence server has it. */
    static final String LIST_USER = "rls";

    private final String domain;
    private final SecureRandom random = new SecureRandom();

    ListNotifications(String domain) {
        this.domain = domain;
    }

    /**
     * The body for the list at RLMI {@code version}, {@code documents} by username (in the
     * order to list them). The boundary is random: a published document cannot guess it to forge parts.
     */
    Body body(int version, boolean fullState, Map<String, String> documents) {
        String listUri = listUri(domain);
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        String boundary = "liaison-" + HexFormat.of().formatHex(bytes);
        String start = "rlmi." + version + "." + boundary + "@" + domain;
        StringBuilder rlmi = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n")
                .append("<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" uri=\"").append(listUri)
                .append("\" version=\"").append(version).append("\" fullState=\"").append(fullState).append("\">\r\n");
        StringBuilder parts = new StringBuilder();
        for (Map.Entry<String, String> resource : documents.entrySet()) {
            String user = resource.getKey();
            String cid = user + "." + version + "." + boundary + "@" + domain;
            rlmi.append("<resource uri=\"sip:").append(user).append('@').append(domain).append("\"><instance id=\"")
                    .append(user).append("\" state=\"active\" cid=\"").append(cid).append("\"/></resource>\r\n");
            part(parts, boundary, cid, PidfDocument.CONTENT_TYPE, resource.getValue());
        }
        rlmi.append("</list>\r\n");
        StringBuilder text = new StringBuilder();
        part(text, boundary, start, "application/rlmi+xml", rlmi.toString());
        text.append(parts).append("--").append(boundary).append("--\r\n");
        return new Body("multipart/related;type=\"application/rlmi+xml\";start=\"<" + start + ">\";boundary="
                + boundary, text.toString());
    }

    static String listUri(String domain) {
        return "sip:" + LIST_USER + "@" + domain;
    }

    private static void part(StringBuilder body, String boundary, String cid, String type, String content) {
        body.append("--").append(boundary).append("\r\n")
                .append("Content-Transfer-Encoding: binary\r\n")
                .append("Content-ID: <").append(cid).append(">\r\n")
                .append("Content-Type: ").append(type).append(";charset=\"UTF-8\"\r\n\r\n")
                // the CRLF before the next "--boundary" belongs to the delimiter (RFC 2046 §5.1.1), whatever the
                // content ends with: after a bare LF (a PIDF document) belle-sip finds no delimiter and liblinphone
                // 5.1 crashed on the NOTIFY
                .append(content).append("\r\n");
    }
}
