package org.liaison.im.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.liaison.im.messaging.UndecodableBodyException.Reason;

class MessagePolicyTest {
    private final MessagePolicy policy = new MessagePolicy(65536);

    @Test
    void isComposingNoticesAreNeverKept() {
        assertFalse(MessagePolicy.isStorable(MessageKind.IS_COMPOSING, OptionalInt.empty()));
        assertFalse(MessagePolicy.isStorable(MessageKind.IS_COMPOSING, OptionalInt.of(3600)));
    }

    @Test
    void aMessageMarkedExpiresZeroOnlyMattersNowAndIsNotKept() {
        assertFalse(MessagePolicy.isStorable(MessageKind.CHAT, OptionalInt.of(0)));
        assertFalse(MessagePolicy.isStorable(MessageKind.NOTIFICATION, OptionalInt.of(0)));
    }

    @Test
    void chatAndReceiptsAreKeptWithOrWithoutAnExpires() {
        assertTrue(MessagePolicy.isStorable(MessageKind.CHAT, OptionalInt.empty()));
        assertTrue(MessagePolicy.isStorable(MessageKind.CHAT, OptionalInt.of(3600)));
        assertTrue(MessagePolicy.isStorable(MessageKind.NOTIFICATION, OptionalInt.empty()));
    }

    @Test
    void aBodyOverTheLimitIsTooLargeOneAtTheLimitIsNot() {
        MessagePolicy small = new MessagePolicy(65536);
        assertFalse(small.isTooLarge(65536));
        assertTrue(small.isTooLarge(65537));
    }

    @Test
    void deflateAndGzipBodiesAreDecodedLastCodingFirstIdentityAndNoneLeaveTheBytes() throws Exception {
        byte[] text = "grüße <imdn/>".getBytes(StandardCharsets.UTF_8);

        assertArrayEquals(text, policy.decode(List.of("deflate"), deflate(text)));
        assertArrayEquals(text, policy.decode(List.of("gzip"), gzip(text)));
        assertArrayEquals(text, policy.decode(List.of("deflate", "gzip"), gzip(deflate(text))));
        assertArrayEquals(text, policy.decode(List.of("identity"), text));
        assertArrayEquals(text, policy.decode(List.of(), text));
    }

    @Test
    void aSmallBodyThatInflatesPastTheLimitIsTooLargeNotAllocated() throws Exception {
        byte[] bomb = deflate(new byte[50_000_000]);

        UndecodableBodyException e = assertThrows(UndecodableBodyException.class,
                () -> new MessagePolicy(1000).decode(List.of("deflate"), bomb));
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertArrayEquals(new byte[1000], new MessagePolicy(1000).decode(List.of("deflate"), deflate(new byte[1000])));
    }

    @Test
    void unknownCodingsAndBytesThatAreNotWhatTheySayAreRefusedWithTheirReason() {
        byte[] text = "hi".getBytes(StandardCharsets.UTF_8);

        assertEquals(Reason.UNSUPPORTED_CODING,
                assertThrows(UndecodableBodyException.class, () -> policy.decode(List.of("br"), text)).reason());
        assertEquals(Reason.MALFORMED,
                assertThrows(UndecodableBodyException.class, () -> policy.decode(List.of("deflate"), text)).reason());
        assertEquals(Reason.MALFORMED,
                assertThrows(UndecodableBodyException.class, () -> policy.decode(List.of("gzip"), text)).reason());
    }

    static byte[] deflate(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflater = new DeflaterOutputStream(out)) {
            deflater.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }
}
