package org.liaison.sip.presence;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which published documents say only "available": the documents are liblinphone 5.1's own, captured from its PUBLISH. */
class PidfDocumentTest {
    private static final String BOB = "sip:bob@liaison.test";
    private static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<presence"
            + " xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\""
            + " xmlns:pidfonline=\"http://www.linphone.org/xsds/pidfonline.xsd\" entity=\"" + BOB + "\""
            + " xmlns=\"urn:ietf:params:xml:ns:pidf\">\n";
    /** What liblinphone publishes at start, its user having chosen nothing. */
    private static final String ONLINE = HEAD + " <tuple id=\"pf.b-1\">\n  <status>\n   <basic>open</basic>\n"
            + "   <pidfonline:online/>\n  </status>\n  <contact priority=\"0.8\">" + BOB + "</contact>\n"
            + "  <timestamp>2026-12-06T07:36:56Z</timestamp>\n </tuple>\n</presence>";

    private static String withActivity(String basic, String activity) {
        return HEAD + " <tuple id=\"fdkysc\">\n  <status>\n   <basic>" + basic + "</basic>\n  </status>\n"
                + "  <contact priority=\"0.8\">" + BOB + "</contact>\n </tuple>\n <dm:person id=\"ml5.lu\">\n"
                + "  <rpid:activities>\n   " + activity + "\n  </rpid:activities>\n </dm:person>\n</presence>";
    }

    @Test
    void linphonesOnlineAndAnOpenTupleWithoutActivitySayAvailable() {
        assertTrue(PidfDocument.saysAvailable(ONLINE));
        assertTrue(PidfDocument.saysAvailable(PidfDocument.derived(BOB, Availability.AVAILABLE)));
        assertTrue(PidfDocument.saysAvailable(withActivity("open", "")));
    }

    @Test
    void busyDoNotDisturbOfflineAndOnThePhoneSayMore() {
        // liblinphone's consolidated busy: open + away; do not disturb: closed + away; offline: closed alone
        assertFalse(PidfDocument.saysAvailable(withActivity("open", "<rpid:away/>")));
        assertFalse(PidfDocument.saysAvailable(withActivity("closed", "<rpid:away/>")));
        assertFalse(PidfDocument.saysAvailable(withActivity("open", "<rpid:busy/>")));
        assertFalse(PidfDocument.saysAvailable(ONLINE.replace("open", "closed").replace("<pidfonline:online/>", "")));
        assertFalse(PidfDocument.saysAvailable(PidfDocument.derived(BOB, Availability.ON_THE_PHONE)));
        assertFalse(PidfDocument.saysAvailable(PidfDocument.derived(BOB, Availability.OFFLINE)));
    }
}
