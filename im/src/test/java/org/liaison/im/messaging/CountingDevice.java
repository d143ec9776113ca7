package org.liaison.im.messaging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.liaison.im.StoredMessage;

/**
 * One device as every node reaches it: it records each MESSAGE it gets, in the order it gets them,
 * and takes them all (2xx), answering from another thread as the network would, once the test lets it.
 */
final class CountingDevice implements DeviceMessenger {
    private final Executor network;
    private final CompletableFuture<Void> answering = new CompletableFuture<>();
    private final List<String> received = new ArrayList<>();

    CountingDevice(Executor network) {
        this.network = network;
    }

    @Override
    public CompletionStage<DeviceAnswer> send(String user, String deviceKey, StoredMessage message) {
        synchronized (this) {
            received.add(new String(message.body(), StandardCharsets.UTF_8));
        }
        return answering.thenApplyAsync(ready -> DeviceAnswer.TOOK, network);
    }

    /** Until now sends wait unanswered, so that deliveries started together overlap. */
    void answerFromNowOn() {
        answering.complete(null);
    }

    /** The bodies of every MESSAGE the device got, in order, duplicates included. */
    synchronized List<String> received() {
        return List.copyOf(received);
    }
}
