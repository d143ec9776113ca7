package org.liaison.im.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.liaison.im.StoredMessage;

/** The network as delivery sees it: every send waits until the test answers it for the device. */
final class FakeMessenger implements DeviceMessenger {

    /** One message sent to one device, and its answer to come. */
    record Sent(String user, String device, StoredMessage message, CompletableFuture<DeviceAnswer> answer) {
        String body() {
            return new String(message.body(), StandardCharsets.UTF_8);
        }

        void answer(DeviceAnswer deviceAnswer) {
            answer.complete(deviceAnswer);
        }
    }

    private final List<Sent> unanswered = new ArrayList<>();

    @Override
    public synchronized CompletionStage<DeviceAnswer> send(String user, String deviceKey, StoredMessage message) {
        Sent sent = new Sent(user, deviceKey, message, new CompletableFuture<>());
        unanswered.add(sent);
        return sent.answer();
    }

    /** The one unanswered send to {@code device}, taken off the list; it must be there. */
    synchronized Sent takeSentTo(String device) {
        List<Sent> toDevice = unanswered.stream().filter(s -> s.device().equals(device)).toList();
        assertEquals(1, toDevice.size(), "unanswered sends to " + device + ": " + toDevice);
        unanswered.remove(toDevice.get(0));
        return toDevice.get(0);
    }

    synchronized void assertNothingSent() {
        assertTrue(unanswered.isEmpty(), "unanswered sends: " + unanswered);
    }
}
