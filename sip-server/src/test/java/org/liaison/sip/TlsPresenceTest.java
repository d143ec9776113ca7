package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.Subscriber;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** A presence subscriber over TLS gets its NOTIFYs over its own connection. */
class TlsPresenceTest {
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().withTls()
            .user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002"));

    @Test
    void aSubscriberOverTlsGetsItsNotifyOnItsConnection() throws Exception {
        TestUa alice = liaison.own(TestUa.overTls("alice", liaison.server()));
        assertEquals(200, alice.register("alice-secret", "").status());
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe("sip:bob@" + TestServer.DOMAIN, 600).status());
        assertTrue(watcher.awaitNotify().body().contains("<basic>closed</basic>"));
    }
}
