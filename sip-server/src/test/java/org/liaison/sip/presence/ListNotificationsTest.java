package org.liaison.sip.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListNotificationsTest {
    /**
     * RFC 2046 §5.1.1: a delimiter is CRLF "--" boundary, the CRLF belonging to it. A part whose content ends with
     * a bare LF (a PIDF document as it is stored) still gets its CRLF: without it belle-sip found no delimiter, and
     * liblinphone 5.1 crashed on the NOTIFY.
     */
    @Test
    void everyDelimiterAfterTheFirstFollowsACrlfWhateverThePartsEndWith() {
        Map<String, String> documents = new LinkedHashMap<>();
        documents.put("alice", "<?xml version=\"1.0\"?>\n<presence/>\n");
        documents.put("bob", "<?xml version=\"1.0\"?>\r\n<presence/>");
        ListNotifications.Body body = new ListNotifications("example.org").body(0, true, documents);

        String boundary = body.contentType().substring(body.contentType().indexOf("boundary=") + "boundary=".length());
        String text = body.text();
        assertTrue(text.startsWith("--" + boundary + "\r\n"), text);
        int delimiters = 0;
        for (int at = text.indexOf("--" + boundary, 1); at > 0; at = text.indexOf("--" + boundary, at + 1)) {
            assertEquals("\r\n", text.substring(at - 2, at), "no CRLF before the delimiter at " + at + ":\n" + text);
            delimiters++;
        }
        assertEquals(3, delimiters, "after the RLMI root, alice's part, bob's part (the last one closing)");
        assertTrue(text.endsWith("--" + boundary + "--\r\n"), text);
    }
}
