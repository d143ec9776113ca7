package org.liaison.sip.edge;

import gov.nist.core.net.SecurityManagerProvider;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.sip.PeerUnavailableException;

/**
 * The JAIN-SIP stack with the server's own TLS key material, and the trust of the connections it opens. The stack only takes a security
 * provider by class name and passes it a copy of its properties, so an object (the reloading key
 * manager) cannot travel that way; the provider is set here, after construction and before any
 * listening point (whose TLS context reads it) exists.
 */
final class TlsSipStack extends ConnectionReusingStack {
    TlsSipStack(Properties properties, KeyManager keys, PeerTrust clientTrust) throws PeerUnavailableException {
        super(withPlaceholderProvider(properties));
        this.securityManagerProvider = new TlsKeySource(keys, clientTrust);
    }

    /** Keeps the stack from building its default provider, which logs warnings about keystores we do not use. */
    private static Properties withPlaceholderProvider(Properties properties) {
        properties.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", Placeholder.class.getName());
        return properties;
    }

    /** What the stack builds by name before the constructor above puts the real provider in its place. */
    public static final class Placeholder implements SecurityManagerProvider {
        @Override
        public void init(Properties properties) {
            // replaced before use
        }

        @Override
        public KeyManager[] getKeyManagers(boolean client) {
            throw new IllegalStateException("replaced by TlsKeySource before any listening point exists");
        }

        @Override
        public TrustManager[] getTrustManagers(boolean client) {
            throw new IllegalStateException("replaced by TlsKeySource before any listening point exists");
        }
    }
}
