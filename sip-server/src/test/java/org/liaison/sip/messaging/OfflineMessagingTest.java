package org.liaison.sip.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.sip.messaging.SipChatTest.message;

import javax.sip.message.Response;
import org.junit.jupiter.api.Test;
import org.liaison.im.messaging.MessagePolicy;

/** What im's policy reads of a MESSAGE's headers. */
class OfflineMessagingTest {

    @Test
    void isComposingNoticesAndExpiresZeroAreNotKeptTextAndReceiptsAre() {
        OfflineMessaging offline = new OfflineMessaging(null, new MessagePolicy(65536), SipChatTest.RESPONSES);

        assertFalse(offline.isStorable(message("Content-Type: application/im-iscomposing+xml\n", "<x/>")));
        assertFalse(offline.isStorable(message("Content-Type: text/plain\nExpires: 0\n", "hi")));
        assertTrue(offline.isStorable(message("Content-Type: text/plain\nExpires: 60\n", "hi")));
        assertTrue(offline.isStorable(message("Content-Type: message/imdn+xml\n", "<imdn/>")));
        assertTrue(offline.isStorable(message("", "hi")));
    }

    @Test
    void aBodyOverTheLimitIsRefused513() {
        OfflineMessaging offline = new OfflineMessaging(null, new MessagePolicy(2), SipChatTest.RESPONSES);

        assertTrue(offline.refuseIfTooLarge(message("", "hi")).isEmpty());
        assertEquals(Response.MESSAGE_TOO_LARGE,
                offline.refuseIfTooLarge(message("", "hi!")).orElseThrow().getStatusCode());
    }
}
