package org.liaison.sip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.media.RelayConfig;

/** media.allowed-destinations, media.denied-destinations and the server's own sockets, as loaded. */
class MediaDestinationPolicyTest {
    @TempDir
    Path dir;

    @Test
    void byDefaultEveryUnicastAddressButLoopbackLinkLocalAndTheServersOwnIsAllowed() throws Exception {
        MediaDestinationPolicy policy = load("sip.address = 192.0.2.5\nrelay.address = 192.0.2.6\n");
        assertTrue(policy.allows(at("203.0.113.9", 4000)), "a public phone");
        assertTrue(policy.allows(at("10.1.2.3", 4000)), "a phone on the LAN");
        assertTrue(policy.allows(at("2001:db8::9", 4000)));
        assertFalse(policy.allows(at("127.0.0.1", 4000)), "loopback");
        assertFalse(policy.allows(at("::1", 4000)));
        assertFalse(policy.allows(at("169.254.169.254", 80)), "link-local: the cloud metadata service");
        assertFalse(policy.allows(at("fe80::1", 4000)));
        assertFalse(policy.allows(at("192.0.2.5", 4000)), "the server's SIP address, any port");
        assertFalse(policy.allows(at("192.0.2.6", 4000)), "the relay's address");
    }

    @Test
    void deniedRangesWinOverAllowedOnes() throws Exception {
        MediaDestinationPolicy policy = load("media.allowed-destinations = 10.0.0.0/8\n"
                + "media.denied-destinations = 10.20.0.0/16, 10.9.9.9\n");
        assertTrue(policy.allows(at("10.1.2.3", 4000)));
        assertFalse(policy.allows(at("10.20.5.5", 161)), "an internal service range");
        assertFalse(policy.allows(at("10.9.9.9", 4000)), "one address");
        assertFalse(policy.allows(at("203.0.113.9", 4000)), "outside the allowed ranges");
    }

    @Test
    void theServersOwnSocketsAreRefusedEvenWhenLoopbackIsAllowed() throws Exception {
        MediaDestinationPolicy policy = load("media.allowed-destinations = 127.0.0.0/8, ::1/128\n"
                + "sip.address = 127.0.0.1, ::1\nsip.udp.port = 5070\nsip.tcp.port = 5071\nsip.tls.port = 5072\n"
                + "http.port = 8444\nrelay.control-port = 2224\n");
        assertTrue(policy.allows(at("127.0.0.1", 4000)), "a test phone");
        for (int port : new int[] {5070, 5071, 5072, 8444, 2224}) {
            assertFalse(policy.allows(at("127.0.0.1", port)), "own port " + port);
        }
        assertFalse(policy.allows(at("::1", 5070)));
        assertTrue(policy.allows(at("127.0.0.2", 2224)), "another address's port 2224 is not our socket");
    }

    @Test
    void anNgControlPortOnTheWildcardIsRefusedOnEveryAddressOfThisHost() throws Exception {
        MediaDestinationPolicy policy = load("media.allowed-destinations = 127.0.0.0/8\n"
                + "relay.control-address = 0.0.0.0\nrelay.control-port = 2224\n");
        assertFalse(policy.allows(at("127.0.0.1", 2224)));
        assertFalse(policy.allows(at("127.0.0.77", 2224)), "a wildcard socket answers on all of 127/8");
        assertTrue(policy.allows(at("127.0.0.77", 2225)));
    }

    @Test
    void theLimitsReachTheRelayAndBadValuesNameTheirKey() throws Exception {
        write("media.max-streams-per-sdp = 4\n");
        RelayConfig relay = LiaisonConfig.load(dir).relay().toRelayConfig();
        assertEquals(4, relay.maxStreamsPerCall());
        assertEquals(8, LiaisonConfig.load(Path.of("..", "conf")).relay().maxStreamsPerSdp(), "the shipped default");
        assertEquals(10, LiaisonConfig.load(Path.of("..", "conf")).media().maxRelayedCallsPerUser());

        write("media.denied-destinations = 10.0.0.0/33\n");
        assertTrue(refusal().contains("media.denied-destinations: \"10.0.0.0/33\" is not an address range"),
                refusal());
        write("media.allowed-destinations = intranet\n");
        assertTrue(refusal().contains("media.allowed-destinations: \"intranet\""), refusal());
        write("media.max-streams-per-sdp = 0\n");
        assertTrue(refusal().contains("media.max-streams-per-sdp: 0 is out of range"), refusal());
        write("media.max-relayed-calls-per-user = many\n");
        assertTrue(refusal().contains("media.max-relayed-calls-per-user: \"many\" is not a whole number"), refusal());
    }

    private MediaDestinationPolicy load(String properties) throws Exception {
        write(properties);
        return LiaisonConfig.load(dir).relay().destinations();
    }

    private String refusal() {
        return assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir)).getMessage();
    }

    private void write(String content) throws IOException {
        Files.writeString(dir.resolve(LiaisonConfig.FILE_NAME), content);
    }

    private static InetSocketAddress at(String address, int port) {
        return new InetSocketAddress(address, port);
    }
}
