package org.liaison.sip.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.convert.DisabledListDelimiterHandler;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.liaison.provisioning.DigestAlgorithm;
import org.liaison.sip.auth.AuthSettings;

/**
 * Everything read from {@code DIR/liaison.properties}, once, at start. Each part is a typed record
 * whose values were checked here; nothing else in the server reads configuration.
 */
public record LiaisonConfig(Path configDir, SipSettings sip, Path dataDir, UsersSettings users, AuthSettings auth,
        ClientCompatibility compatibility, RegistrarSettings registrar, ProxySettings proxy,
        MessagingSettings messaging, RelaySettings relay, HttpSettings http, TlsSettings tls, MediaSettings media,
        TransportLimits limits) {

    public static final String FILE_NAME = "liaison.properties";

    /** Reads and validates {@code configDir/liaison.properties}; the exception message is one line. */
    public static LiaisonConfig load(Path configDir) throws ConfigException {
        Path file = configDir.resolve(FILE_NAME);
        ConfigReader r = new ConfigReader(read(file), file.toString());
        SipSettings sip = SipSettings.from(r);
        Path dataDir = Path.of(r.requiredString("data.dir", "data")).toAbsolutePath().normalize();
        UsersSettings users = UsersSettings.from(r, configDir);
        AuthSettings auth = authSettings(r, sip.domain());
        ClientCompatibility compatibility = ClientCompatibility.from(r);
        RegistrarSettings registrar = registrarSettings(r, sip.domain());
        ProxySettings proxy = ProxySettings.from(r);
        MessagingSettings messaging = MessagingSettings.from(r);
        HttpSettings http = HttpSettings.from(r, sip.domain(), configDir);
        RelaySettings relay = RelaySettings.from(r, sip, http);
        TlsSettings tls = TlsSettings.from(r, configDir, sip.tlsPort());
        MediaSettings media = MediaSettings.from(r);
        TransportLimits limits = TransportLimits.from(r);
        r.rejectUnknownKeys();
        return new LiaisonConfig(configDir, sip, dataDir, users, auth, compatibility, registrar, proxy, messaging,
                relay, http, tls, media, limits);
    }

    private static PropertiesConfiguration read(Path file) throws ConfigException {
        PropertiesConfiguration config = new PropertiesConfiguration();
        // Lists are split by the setting that reads them; Commons Configuration must not split on its own.
        config.setListDelimiterHandler(DisabledListDelimiterHandler.INSTANCE);
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            config.read(in);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": cannot read: no such file");
        } catch (IOException | ConfigurationException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return config;
    }

    private static AuthSettings authSettings(ConfigReader r, String realm) throws ConfigException {
        List<DigestAlgorithm> algorithms = new ArrayList<>();
        for (DigestAlgorithm a : r.list("auth.algorithms", "SHA-256, MD5", "a digest algorithm (SHA-256 or MD5)",
                t -> DigestAlgorithm.fromToken(t).orElse(null))) {
            if (algorithms.contains(a)) {
                throw r.problem("auth.algorithms", a.token() + " is listed twice");
            }
            algorithms.add(a);
        }
        if (algorithms.isEmpty()) {
            throw r.problem("auth.algorithms", "name at least one of SHA-256, MD5");
        }
        return new AuthSettings(realm, algorithms,
                r.seconds("auth.nonce-lifetime-seconds", 300, 10, 86400),
                r.integer("auth.max-failures-per-source", 100, 1, 100_000),
                r.integer("auth.max-failures-per-user", 20, 1, 100_000),
                r.seconds("auth.failure-window-seconds", 600, 1, 86400),
                r.seconds("auth.block-seconds", 600, 1, 7 * 86400),
                r.integer("auth.max-failures-per-source-user", 10, 1, 100_000),
                r.integer("auth.max-usernames-per-source", 10, 1, 100_000));
    }

    private static RegistrarSettings registrarSettings(ConfigReader r, String domain) throws ConfigException {
        int min = r.integer("registrar.min-expires-seconds", 60, 1, 86400);
        int max = r.integer("registrar.max-expires-seconds", 86400, 1, 7 * 86400);
        int def = r.integer("registrar.default-expires-seconds", 3600, 1, 7 * 86400);
        if (max < min) {
            throw r.problem("registrar.max-expires-seconds", max + " is below registrar.min-expires-seconds " + min);
        }
        if (def < min || def > max) {
            throw r.problem("registrar.default-expires-seconds", def + " is outside registrar.min-expires-seconds"
                    + " and registrar.max-expires-seconds (" + min + "-" + max + ")");
        }
        int contacts = r.integer("registrar.max-contacts-per-user", 10, 1, 1000);
        return new RegistrarSettings(domain, def, min, max, contacts);
    }
}
