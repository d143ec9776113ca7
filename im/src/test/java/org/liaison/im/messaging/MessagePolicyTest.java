package org.liaison.im.messaging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class MessagePolicyTest {

    @Test
    void isComposingNoticesAreNeverKeptWhateverTheCaseOfTheirType() {
        assertFalse(MessagePolicy.isStorable(Optional.of("application/im-iscomposing+xml"), OptionalInt.empty()));
        assertFalse(MessagePolicy.isStorable(Optional.of("Application/IM-IsComposing+XML"), OptionalInt.empty()));
    }

    @Test
    void aMessageMarkedExpiresZeroOnlyMattersNowAndIsNotKept() {
        assertFalse(MessagePolicy.isStorable(Optional.of("text/plain"), OptionalInt.of(0)));
    }

    @Test
    void textCpimAndUntypedMessagesAreKeptWithOrWithoutAnExpires() {
        assertTrue(MessagePolicy.isStorable(Optional.of("text/plain"), OptionalInt.empty()));
        assertTrue(MessagePolicy.isStorable(Optional.of("message/cpim"), OptionalInt.of(3600)));
        assertTrue(MessagePolicy.isStorable(Optional.empty(), OptionalInt.empty()));
    }

    @Test
    void aBodyOverTheLimitIsTooLargeOneAtTheLimitIsNot() {
        MessagePolicy policy = new MessagePolicy(65536);
        assertFalse(policy.isTooLarge(65536));
        assertTrue(policy.isTooLarge(65537));
    }
}
