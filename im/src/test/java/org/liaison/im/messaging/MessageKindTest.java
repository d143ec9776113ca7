package org.liaison.im.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The kinds of MESSAGE Linphone sends, bare and in its CPIM wrapper (CpimChatMessageModifier::encode). */
class MessageKindTest {
    private static final String TYPING = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<isComposing xmlns=\"urn:ietf:params:xml:ns:im-iscomposing\"><state>active</state></isComposing>";
    private static final String RECEIPT = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>"
            + "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\"><message-id>9Kx2Yq7Lw3Ab</message-id>"
            + "<datetime>2026-12-06T01:48:46Z</datetime><display-notification><status><displayed/></status>"
            + "</display-notification></imdn>";

    @Test
    void bareTypesAreTakenAsTheyAreWhateverTheirCase() {
        assertEquals(MessageKind.IS_COMPOSING, kind("application/im-iscomposing+xml", TYPING));
        assertEquals(MessageKind.IS_COMPOSING, kind("Application/IM-IsComposing+XML", TYPING));
        assertEquals(MessageKind.NOTIFICATION, kind("message/imdn+xml", RECEIPT));
        assertEquals(MessageKind.CHAT, kind("text/plain", "hi"));
        assertEquals(MessageKind.CHAT, MessageKind.of(Optional.empty(), bytes("hi")));
    }

    @Test
    void cpimIsLookedIntoForWhatItWraps() {
        assertEquals(MessageKind.IS_COMPOSING, kind("message/cpim", cpim("application/im-iscomposing+xml", TYPING, "\r\n")));
        assertEquals(MessageKind.NOTIFICATION, kind("message/cpim", cpim("message/imdn+xml", RECEIPT, "\r\n")));
        assertEquals(MessageKind.CHAT, kind("message/cpim", cpim("text/plain;charset=UTF-8", "hello", "\r\n")));
        assertEquals(MessageKind.NOTIFICATION, kind("Message/CPIM", cpim("message/imdn+xml", RECEIPT, "\n")));
    }

    @Test
    void aMimeBlockBeforeTheCpimHeadersIsSkippedAndTheContentIsNeverRead() {
        String mime = "Content-Type: message/cpim\r\n\r\n" + cpim("message/imdn+xml", RECEIPT, "\r\n");
        assertEquals(MessageKind.NOTIFICATION, kind("message/cpim", mime));
        // a text that merely mentions a type in its content is chat
        assertEquals(MessageKind.CHAT, kind("message/cpim",
                cpim("text/plain", "\r\nContent-Type: application/im-iscomposing+xml\r\n", "\r\n")));
        assertEquals(MessageKind.CHAT, kind("message/cpim", "not cpim at all"));
        assertEquals(MessageKind.NOTIFICATION, kind("message/cpim", cpim("message/imdn+xml", "x".repeat(60_000), "\r\n")));
    }

    private static String cpim(String innerType, String content, String eol) {
        return "From: <sip:bob@liaison.test>" + eol + "To: <sip:alice@liaison.test>" + eol
                + "DateTime: 2026-12-06T01:48:46Z" + eol + "NS: imdn <urn:ietf:params:imdn>" + eol
                + "imdn.Message-ID: 9Kx2Yq7Lw3Ab" + eol + "imdn.Disposition-Notification: positive-delivery, display"
                + eol + eol + "Content-Type: " + innerType + eol + "Content-Length: " + bytes(content).length + eol + eol
                + content;
    }

    private static MessageKind kind(String type, String body) {
        return MessageKind.of(Optional.of(type), bytes(body));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
