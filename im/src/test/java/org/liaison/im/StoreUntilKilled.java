package org.liaison.im;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Child process of {@link KillMinus9Test}: stores and acknowledges messages, and posts to a group, as fast as it can
 * and reports each call only after it returned, until the test kills it with SIGKILL.
 */
final class StoreUntilKilled {

    static final OfflineStoreSettings SETTINGS = new OfflineStoreSettings(Duration.ofDays(7), 100_000, 65536);

    private StoreUntilKilled() {
    }

    public static void main(String[] args) throws Exception {
        FileOfflineStore store = FileOfflineStore.open(Path.of(args[0]), SETTINGS, Clock.systemUTC());
        for (int i = 0; i < SETTINGS.maxMessagesPerUser(); i++) {
            StoredMessage message = store.store(new NewMessage("bob", "sip:alice@example.org", "call-" + i,
                    "text/plain", ("message " + i).getBytes(StandardCharsets.UTF_8)));
            System.out.println("stored " + message.id() + " " + i);
            if (i % 5 == 0) {
                store.storeForMembers(new NewMessage("staff", "sip:staff@example.org", "post-" + i, "text/plain",
                        ("post " + i).getBytes(StandardCharsets.UTF_8), "alice"), List.of("carol", "dave"));
                System.out.println("posted " + i);
            }
            if (i % 2 == 0) {
                store.acknowledge("bob", "phone", message.id());
                System.out.println("acked " + message.id());
            }
            System.out.flush();
        }
    }
}
