package org.liaison.sip.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.convert.DisabledListDelimiterHandler;
import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Everything read from {@code DIR/liaison.properties}, once, at start. Each part is a typed record
 * that reads and checks its own keys ({@code from(ConfigReader)}); this class reads the file once,
 * asks each part for itself, then refuses the keys nobody asked for. Nothing else in the server
 * reads configuration.
 */
public record LiaisonConfig(Path configDir, SipSettings sip, Path dataDir, UsersSettings users, AuthSettings auth,
        ClientCompatibility compatibility, RegistrarSettings registrar, ProxySettings proxy,
        MessagingSettings messaging, RelaySettings relay, HttpSettings http, TlsSettings tls, MediaSettings media,
        TransportLimits limits, ClusterSettings cluster, LogSettings log,
        AdminSettings admin, PresenceSettings presence) {

    public static final String FILE_NAME = "liaison.properties";

    /** Reads and validates {@code configDir/liaison.properties}; the exception message is one line. */
    public static LiaisonConfig load(Path configDir) throws ConfigException {
        Path file = configDir.resolve(FILE_NAME);
        ConfigReader r = new ConfigReader(read(file), file.toString());
        SipSettings sip = SipSettings.from(r);
        Path dataDir = Path.of(r.requiredString("data.dir", "data")).toAbsolutePath().normalize();
        UsersSettings users = UsersSettings.from(r, configDir);
        AuthSettings auth = AuthSettings.from(r, sip.domain());
        ClientCompatibility compatibility = ClientCompatibility.from(r);
        RegistrarSettings registrar = RegistrarSettings.from(r, sip.domain());
        ProxySettings proxy = ProxySettings.from(r);
        MessagingSettings messaging = MessagingSettings.from(r);
        HttpSettings http = HttpSettings.from(r, sip.domain(), configDir);
        RelaySettings relay = RelaySettings.from(r, sip, http);
        TlsSettings tls = TlsSettings.from(r, configDir, sip.tlsPort(), sip.domain(), http);
        ClusterSettings cluster = ClusterSettings.from(r, sip.tlsPort());
        MediaSettings media = MediaSettings.from(r, cluster, relay);
        TransportLimits limits = TransportLimits.from(r);
        LogSettings log = LogSettings.from(r);
        AdminSettings admin = AdminSettings.from(r);
        PresenceSettings presence = PresenceSettings.from(r);
        r.rejectUnknownKeys();
        return new LiaisonConfig(configDir, sip, dataDir, users, auth, compatibility, registrar, proxy, messaging,
                relay, http, tls, media, limits, cluster, log, admin,
                presence);
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
        rejectRepeatedKeys(config, file);
        return config;
    }

    /**
     * A key set twice is refused: Commons Configuration keeps both values and the settings read the first, so an
     * override appended at the end of the file (the usual way to change a copied file) would be silently ignored.
     */
    private static void rejectRepeatedKeys(PropertiesConfiguration config, Path file) throws ConfigException {
        for (Iterator<String> keys = config.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            int times = config.getList(key).size();
            if (times > 1) {
                throw ConfigException.forKey(file.toString(), key, "set " + times
                        + " times; keep one line (the first one would be used, the others ignored)");
            }
        }
    }
}
