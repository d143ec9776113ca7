package org.liaison.sip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** admin.*: loopback by default; plain HTTP without authentication goes elsewhere only when the admin insists. */
class AdminSettingsTest {
    @TempDir
    Path dir;

    @Test
    void shippedAdminListenerIsOnLoopbackPort9090() throws Exception {
        AdminSettings admin = LiaisonConfig.load(Path.of("..", "conf")).admin();
        assertEquals(new AdminSettings(InetAddress.getByName("127.0.0.1"), 9090), admin);
    }

    @Test
    void aNonLoopbackAddressIsRefusedNamingTheKeyUnlessAllowed() throws Exception {
        write("admin.address = 192.0.2.10\n");
        ConfigException refused = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(refused.getMessage().contains("admin.address"), refused.getMessage());
        assertTrue(refused.getMessage().contains("admin.allow-non-loopback"), refused.getMessage());

        write("admin.address = 192.0.2.10\nadmin.allow-non-loopback = true\n");
        assertEquals(InetAddress.getByName("192.0.2.10"), LiaisonConfig.load(dir).admin().address());
    }

    @Test
    void portZeroTurnsTheListenerOffAndIPv6LoopbackIsLoopback() throws Exception {
        write("admin.port = 0\nadmin.address = ::1\n");
        AdminSettings admin = LiaisonConfig.load(dir).admin();
        assertEquals(0, admin.port());
        assertTrue(admin.address().isLoopbackAddress());
    }

    private void write(String properties) throws Exception {
        Files.writeString(dir.resolve(LiaisonConfig.FILE_NAME), "sip.domain = example.org\n" + properties);
        Files.writeString(dir.resolve("users.csv"), "username,password\n");
    }
}
