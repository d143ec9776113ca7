package org.liaison.sip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.media.RelayConfig;
import org.liaison.provisioning.DigestAlgorithm;

class LiaisonConfigTest {
    @TempDir
    Path dir;

    @Test
    void shippedConfigurationLoadsWithTheDocumentedDefaults() throws Exception {
        LiaisonConfig config = LiaisonConfig.load(Path.of("..", "conf"));
        assertEquals("liaison.local", config.sip().domain());
        assertEquals(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")),
                config.sip().addresses());
        // shipped TLS-only
        assertEquals(0, config.sip().udpPort());
        assertEquals(0, config.sip().tcpPort());
        assertEquals(5061, config.sip().tlsPort());
        assertTrue(config.tls().required());
        assertFalse(config.tls().adminCertificate());
        assertEquals(List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5), config.auth().algorithms());
        assertEquals(60, config.registrar().minExpiresSeconds());
        assertTrue(config.proxy().foreignDomains().isEmpty());
        assertEquals(new MediaSettings(MediaSettings.RelayPolicy.ALWAYS, MediaSettings.Encryption.MANDATORY),
                config.media());
        RelayConfig relay = config.relay().toRelayConfig();
        assertEquals(30000, relay.portMin());
        assertEquals(Duration.ofSeconds(60), relay.idleTimeout());
        assertEquals(Duration.ofSeconds(3), relay.learningWindow());
        assertTrue(relay.servers().isEmpty(), "the relay runs in process by default");
        assertEquals(new InetSocketAddress("127.0.0.1", 2223), config.relay().control());
        assertEquals(ClusterSettings.standalone(), config.cluster(), "one machine, files in data.dir");
    }

    @Test
    void clusterModeTakesLettuceRedisUrisAndTheNodesSipUri() throws Exception {
        for (String uri : new String[] {"redis://10.0.0.5:6379/0", "rediss://:secret@redis.example.org",
                "redis-sentinel://10.0.0.5:26379,10.0.0.6:26379#liaison"}) {
            write("cluster.redis-uri = " + uri + "\ncluster.node-uri = sip:10.0.0.11:5060;transport=udp\n"
                    + "relay.servers = 10.0.0.21:2223\n");
            ClusterSettings cluster = LiaisonConfig.load(dir).cluster();
            assertTrue(cluster.clustered());
            assertEquals(java.util.Optional.of(uri), cluster.redisUri());
            assertEquals(java.util.Optional.of("sip:10.0.0.11:5060;transport=udp"), cluster.nodeUri());
            assertEquals(java.util.List.of(), cluster.tlsNames(), "by default");
        }
        write("cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sip:10.0.0.11:5060;transport=tcp\n"
                + "relay.servers = 10.0.0.21:2223\n");
        assertEquals(java.util.Optional.of("sip:10.0.0.11:5060;transport=tcp"), LiaisonConfig.load(dir).cluster().nodeUri(),
                "issue 10's own example: nodes over TCP");
        for (String tls : new String[] {"sips:10.0.0.11:5061", "sip:10.0.0.11:5061;transport=tls", "sips:10.0.0.11",
            "sips:10.0.0.11:5061;transport=tls"}) {
            write("cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = " + tls + "\nsip.tls.port = 5061\n"
                    + "relay.servers = 10.0.0.21:2223\n");
            assertEquals(java.util.Optional.of(tls), LiaisonConfig.load(dir).cluster().nodeUri(),
                    "nodes over TLS, at the node's own TLS listener");
        }
        write("cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sip:10.0.0.11\n"
                + "cluster.tls-names = Node2.Example.org, 10.0.0.12, 2001:db8::12\nrelay.servers = 10.0.0.21:2223\n");
        assertEquals(java.util.List.of("node2.example.org", "10.0.0.12", "2001:db8::12"),
                LiaisonConfig.load(dir).cluster().tlsNames());
        assertEquals(0, LiaisonConfig.load(dir).cluster().waitReplicas(), "the primary's disk alone by default");
        write("cluster.redis-uri = redis-sentinel://10.0.0.5:26379#liaison\ncluster.node-uri = sip:10.0.0.11\n"
                + "cluster.redis-wait-replicas = 1\nrelay.servers = 10.0.0.21:2223\n");
        assertEquals(1, LiaisonConfig.load(dir).cluster().waitReplicas());
    }

    @Test
    void aBadClusterSettingIsRefusedNamingItsKeyWithoutRepeatingAPassword() throws IOException {
        String[][] refused = {
            {"cluster.redis-uri = http://10.0.0.5\ncluster.node-uri = sip:10.0.0.11",
                "cluster.redis-uri: must start with redis://, rediss:// or redis-sentinel://"},
            {"cluster.redis-uri = redis://10.0.0.5:6379",
                "cluster.node-uri: must be set when cluster.redis-uri is"},
            {"cluster.node-uri = sip:10.0.0.11", "cluster.node-uri: is set but cluster.redis-uri is empty"},
            {"cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = http://10.0.0.11",
                "cluster.node-uri: \"http://10.0.0.11\" is not a sip: or sips: URI of a host"},
            {"cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sip:alice@",
                "cluster.node-uri: \"sip:alice@\" is not a sip: or sips: URI of a host"},
            // over TLS the node's own listener answers the other nodes, presenting the certificate they check
            {"cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sip:10.0.0.11:5061;transport=tls",
                "cluster.node-uri: \"sip:10.0.0.11:5061;transport=tls\" is a TLS URI, so its port must be this"
                + " node's sip.tls.port (0: no TLS listener)"},
            {"cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sips:10.0.0.11:5071\nsip.tls.port = 5061",
                "cluster.node-uri: \"sips:10.0.0.11:5071\" is a TLS URI, so its port must be this node's"
                + " sip.tls.port (5061)"},
            {"cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sips:10.0.0.11\nsip.tls.port = 5071",
                "cluster.node-uri: \"sips:10.0.0.11\" is a TLS URI, so its port must be this node's sip.tls.port"
                + " (5071)"},
            {"cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sips:10.0.0.11:5061;transport=tcp\n"
                + "sip.tls.port = 5061", "cluster.node-uri: \"sips:10.0.0.11:5061;transport=tcp\": nodes talk over"
                + " udp, tcp or tls"},
            {"cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sip:10.0.0.11:5060;transport=sctp",
                "cluster.node-uri: \"sip:10.0.0.11:5060;transport=sctp\": nodes talk over udp, tcp or tls"},
            {"cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sip:node-a.example.org:5060",
                "cluster.node-uri: \"sip:node-a.example.org:5060\" names a host, not an IP address"},
            {"cluster.redis-uri = redis-sentinel://:hunter2@10.0.0.5:26379\ncluster.node-uri = sip:10.0.0.11",
                "cluster.redis-uri: is not a Redis URI"},
            // a call relayed inside a node dies with it: a cluster relays through the relays every node shares
            {"cluster.redis-uri = redis://:hunter2@10.0.0.5\ncluster.node-uri = sip:10.0.0.11",
                "relay.servers: is empty but cluster.redis-uri is set"},
            {"cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sip:10.0.0.11\nmedia.relay = nat-only",
                "relay.servers: is empty but cluster.redis-uri is set"},
            {"cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sip:10.0.0.11\n"
                + "cluster.tls-names = sip.example.org, https://node2", "cluster.tls-names: \"https://node2\" is not a host"
                + " name or an IP address"},
            {"cluster.tls-names = 10.0.0.12", "cluster.tls-names: is set but cluster.redis-uri is empty"},
            {"cluster.redis-wait-replicas = 1", "cluster.redis-wait-replicas: is set but cluster.redis-uri is empty"},
            {"cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sip:10.0.0.11\nrelay.servers = 10.0.0.21:2223\n"
                + "cluster.redis-wait-replicas = -1", "cluster.redis-wait-replicas: "},
            {"cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sip:10.0.0.11\nrelay.servers = 10.0.0.21:2223\n"
                + "cluster.redis-wait-replicas = one", "cluster.redis-wait-replicas: "},
        };
        for (String[] bad : refused) {
            write(bad[0] + "\n");
            ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
            assertTrue(e.getMessage().startsWith(dir.resolve("liaison.properties") + ": " + bad[1]), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }
    }

    /** An override appended to a copied file must not be ignored in silence: the first value would win. */
    @Test
    void aKeySetTwiceIsRefusedNamingIt() throws Exception {
        write("sip.tls.port = 5061\nsip.udp.port = 5060\nsip.tls.port = 5071\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertEquals(dir.resolve("liaison.properties") + ": sip.tls.port: set 2 times; keep one line (the first one "
                + "would be used, the others ignored)", e.getMessage());
    }

    @Test
    void aClusterNodeWithoutRelaysStartsWhenItRelaysNothing() throws Exception {
        write("cluster.redis-uri = redis://10.0.0.5\ncluster.node-uri = sip:10.0.0.11\nmedia.relay = never\n");
        assertEquals(MediaSettings.RelayPolicy.NEVER, LiaisonConfig.load(dir).media().relay());
    }

    @Test
    void logFormatIsTextByDefaultJsonOnRequestAndABadOneNamesTheChoices() throws Exception {
        write("");
        assertEquals(LogSettings.Format.TEXT, LiaisonConfig.load(dir).log().format());
        write("log.format = JSON\n");
        assertEquals(LogSettings.Format.JSON, LiaisonConfig.load(dir).log().format());
        write("log.format = xml\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().endsWith("log.format: \"xml\" is not text or json"), e.getMessage());
    }

    @Test
    void mediaPolicyIsReadAndABadOneNamesTheChoices() throws Exception {
        write("media.relay = NAT-only\nmedia.encryption = optional\n");
        assertEquals(new MediaSettings(MediaSettings.RelayPolicy.NAT_ONLY, MediaSettings.Encryption.OPTIONAL),
                LiaisonConfig.load(dir).media());
        write("media.relay = sometimes\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertEquals(dir.resolve("liaison.properties") + ": media.relay: \"sometimes\" is not always, never or nat-only",
                e.getMessage());
        write("media.encryption = srtp\n");
        e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().endsWith("media.encryption: \"srtp\" is not mandatory or optional"), e.getMessage());
    }

    @Test
    void presenceSettingsHaveOfficeDefaultsAndAMaximumBelowTheMinimumIsRefusedNamingTheKey() throws Exception {
        write("");
        assertEquals(new PresenceSettings(Duration.ofSeconds(60), Duration.ofSeconds(3600), 500,
                Duration.ofMillis(2000)), LiaisonConfig.load(dir).presence());
        write("presence.min-expires-seconds = 600\npresence.max-expires-seconds = 300\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().endsWith("presence.max-expires-seconds: must not be below"
                + " presence.min-expires-seconds"), e.getMessage());
        write("presence.max-subscriptions-per-user = 0\n");
        e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().contains("presence.max-subscriptions-per-user"), e.getMessage());
    }

    @Test
    void relayServersAreIpAndPortPairs() throws Exception {
        write("relay.servers = 192.0.2.7:2223, [2001:db8::7]:2224\n");
        assertEquals(List.of(new InetSocketAddress("192.0.2.7", 2223), new InetSocketAddress("2001:db8::7", 2224)),
                LiaisonConfig.load(dir).relay().servers());
        for (String bad : new String[] {"relay.example.com:2223", "192.0.2.7", "2001:db8::7:2223", "192.0.2.7:0"}) {
            write("relay.servers = " + bad + "\n");
            ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
            assertTrue(e.getMessage().contains("relay.servers: \"" + bad + "\" is not an IP address and port"),
                    e.getMessage());
        }
    }

    @Test
    void wildcardRelayAddressIsRefusedBecauseSdpCannotCarryIt() throws IOException {
        write("relay.address = 0.0.0.0\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().contains("relay.address: 0.0.0.0 is a wildcard"), e.getMessage());
    }

    @Test
    void aRelayRangeTooSmallForOneCallIsRefusedNamingTheKeyAndTheRelayAgrees() throws Exception {
        String[][] refused = {
            {"relay.port-min = 30001", "relay.port-min: 30001 is odd; RTP takes even ports and RTCP the odd one above"},
            {"relay.port-min = 30000\nrelay.port-max = 30002",
                "relay.port-max: 30002 leaves fewer than two port pairs above relay.port-min 30000"},
        };
        for (String[] bad : refused) {
            write(bad[0] + "\n");
            ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
            assertEquals(dir.resolve("liaison.properties") + ": " + bad[1], e.getMessage());
        }
        write("relay.port-min = 30000\nrelay.port-max = 30003\n");
        RelayConfig relay = LiaisonConfig.load(dir).relay().toRelayConfig();
        assertEquals(30003, relay.portMax());
    }

    @Test
    void everyKeyOfTheShippedFileIsDocumentedWithAComment() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "conf", LiaisonConfig.FILE_NAME));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank() && !line.startsWith("#")) {
                assertTrue(i > 0 && lines.get(i - 1).startsWith("#") || lines.get(i - 1).contains("="),
                        "undocumented key: " + line);
            }
        }
    }

    @Test
    void provisioningDefaultsToHttpsOnTheDomainAndThreeDayLinks() throws Exception {
        LiaisonConfig config = LiaisonConfig.load(Path.of("..", "conf"));
        assertEquals(8443, config.http().port());
        assertEquals(java.net.URI.create("https://liaison.local:8443"), config.http().publicUrl());
        assertEquals(java.time.Duration.ofHours(72), config.http().tokenTtl());
    }

    @Test
    void fileSharingDefaultsTo100MbFilesFor30DaysAndAGibibytePerUserInTheShippedFileAndWithout() throws Exception {
        HttpSettings.FileLimits expected = new HttpSettings.FileLimits(100_000_000, Duration.ofDays(30), 1L << 30);
        assertEquals(expected, LiaisonConfig.load(Path.of("..", "conf")).http().files());
        write("");
        assertEquals(expected, LiaisonConfig.load(dir).http().files());
    }

    @Test
    void aQuotaBelowTheLargestFileIsRefusedNamingTheKey() throws IOException {
        write("files.max-bytes = 5000000000\nfiles.quota-per-user-bytes = 1000\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().contains("files.quota-per-user-bytes: 1000 is below files.max-bytes"),
                e.getMessage());
    }

    @Test
    void aPublicUrlThatIsNotHttpsStopsStartup() throws IOException {
        write("http.public-url = http://sip.example.org:8080\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().contains("http.public-url: \"http://sip.example.org:8080\" is not an https://"),
                e.getMessage());
    }

    @Test
    void emptyFileMeansEveryDefault() throws Exception {
        write("");
        LiaisonConfig config = LiaisonConfig.load(dir);
        assertEquals(5060, config.sip().tcpPort());
        assertEquals(dir.resolve("users.csv"), config.users().file());
        assertEquals(0, config.sip().tlsPort());
        assertFalse(config.tls().required());
    }

    @Test
    void adminCertificateFilesAreRelativeToTheConfigurationDirectory() throws Exception {
        write("sip.tls.port = 5061\nsip.tls.certificate = tls/fullchain.pem\nsip.tls.private-key = /etc/key.pem\n");
        TlsSettings tls = LiaisonConfig.load(dir).tls();
        assertEquals(dir.resolve("tls/fullchain.pem"), tls.certificate().orElseThrow());
        assertEquals(Path.of("/etc/key.pem"), tls.privateKey().orElseThrow());
    }

    @Test
    void aCertificateWithoutItsKeyIsRefused() throws IOException {
        write("sip.tls.port = 5061\nsip.tls.certificate = fullchain.pem\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().contains("sip.tls.private-key: must be given too"), e.getMessage());
    }

    @Test
    void tlsRequiredWithoutATlsListenerIsRefused() throws IOException {
        write("sip.tls.required = true\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().contains("sip.tls.required: is true but sip.tls.port is 0"), e.getMessage());
    }

    @Test
    void badPortNamesFileKeyAndProblemOnOneLine() throws IOException {
        write("sip.udp.port = abc\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertEquals(dir.resolve("liaison.properties") + ": sip.udp.port: \"abc\" is not a port number (0-65535, 0 = off)",
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void unknownKeyStopsStartup() throws IOException {
        write("sip.udp.prot = 5060\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().contains("sip.udp.prot: unknown key"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir.resolve("nowhere")));
        assertTrue(e.getMessage().endsWith("liaison.properties: cannot read: no such file"), e.getMessage());
    }

    @Test
    void wildcardListenAddressIsRefused() throws IOException {
        write("sip.address = 0.0.0.0\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().contains("sip.address: 0.0.0.0 is a wildcard"), e.getMessage());
    }

    @Test
    void unknownDigestAlgorithmIsRefused() throws IOException {
        write("auth.algorithms = SHA-512\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().contains("auth.algorithms: \"SHA-512\" is not a digest algorithm"), e.getMessage());
    }

    @Test
    void destinationRangesAreParsedAndApplied() throws Exception {
        write("security.allowed-destinations = 127.0.0.0/8, ::1/128\n");
        DestinationPolicy policy = LiaisonConfig.load(dir).proxy().destinations();
        assertTrue(policy.allows(InetAddress.getByName("127.9.9.9")));
        assertTrue(policy.allows(InetAddress.getByName("::1")));
        assertFalse(policy.allows(InetAddress.getByName("1.1.1.1")));
    }

    @Test
    void badDestinationRangeIsRefused() throws IOException {
        write("security.allowed-destinations = 10.0.0.0/33\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().contains("security.allowed-destinations: \"10.0.0.0/33\""), e.getMessage());
    }

    private void write(String content) throws IOException {
        Files.writeString(dir.resolve(LiaisonConfig.FILE_NAME), content);
    }
}
