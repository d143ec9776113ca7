package org.liaison.sip.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * SIP over TLS: where the server's certificate comes from, and whether local users must use TLS.
 *
 * @param certificate the admin's PEM certificate chain (server certificate first), resolved against the
 *                    configuration directory; empty = a certificate from the server's own private CA
 * @param privateKey  the PEM private key of that certificate; present exactly when {@code certificate} is
 * @param required    registrations and requests of local users are refused unless they arrive over TLS
 * @param acme        certificates from an ACME CA ({@code sip.tls.acme.*}); never with an admin's certificate
 */
public record TlsSettings(Optional<Path> certificate, Optional<Path> privateKey, boolean required,
        AcmeSettings acme) {
    public TlsSettings {
        if (certificate.isPresent() != privateKey.isPresent()) {
            throw new IllegalArgumentException("a certificate needs its private key and the other way round");
        }
        if (certificate.isPresent() && acme.enabled()) {
            throw new IllegalArgumentException("an admin's certificate and ACME exclude each other");
        }
    }

    /** Without ACME. */
    public TlsSettings(Optional<Path> certificate, Optional<Path> privateKey, boolean required) {
        this(certificate, privateKey, required, new AcmeSettings(Optional.empty(), "", List.of(), Optional.empty(), 80));
    }

    /** The admin gave the certificate (otherwise the server makes its own). */
    public boolean adminCertificate() {
        return certificate.isPresent();
    }

    static TlsSettings from(ConfigReader r, Path configDir, int tlsPort, String domain, HttpSettings http)
            throws ConfigException {
        String certificate = r.string("sip.tls.certificate", "");
        String key = r.string("sip.tls.private-key", "");
        if (certificate.isEmpty() != key.isEmpty()) {
            String missing = certificate.isEmpty() ? "sip.tls.certificate" : "sip.tls.private-key";
            throw r.problem(missing, "must be given too: sip.tls.certificate and sip.tls.private-key go together"
                    + " (leave both empty for a certificate from the server's own CA)");
        }
        boolean required = r.bool("sip.tls.required", false);
        if (required && tlsPort == 0) {
            throw r.problem("sip.tls.required", "is true but sip.tls.port is 0 (no TLS listener)");
        }
        AcmeSettings acme = AcmeSettings.from(r, configDir, domain, http);
        if (acme.enabled() && !certificate.isEmpty()) {
            throw r.problem("sip.tls.acme.directory-url", "is set, and so is sip.tls.certificate: the server"
                    + " either presents the admin's certificate or orders its own, empty one of them");
        }
        return new TlsSettings(certificate.isEmpty() ? Optional.empty() : Optional.of(configDir.resolve(certificate)),
                key.isEmpty() ? Optional.empty() : Optional.of(configDir.resolve(key)), required, acme);
    }
}
