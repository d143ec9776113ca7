package org.liaison.sip.edge;

import gov.nist.core.net.SecurityManagerProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Hands the server's key manager to JAIN-SIP's TLS transport, in place of the stack's default
 * provider that reads a keystore named in system properties: no files, no keystore passwords.
 */
final class TlsKeySource implements SecurityManagerProvider {
    private final KeyManager keyManager;
    private final PeerTrust clientTrust;

    /** {@code clientTrust}: what the connections the stack opens itself check. */
    TlsKeySource(KeyManager keyManager, PeerTrust clientTrust) {
        this.keyManager = keyManager;
        this.clientTrust = clientTrust;
    }

    @Override
    public void init(Properties properties) {
        // everything it needs came with the constructor
    }

    @Override
    public KeyManager[] getKeyManagers(boolean client) {
        return new KeyManager[] {keyManager};
    }

    /**
     * For connections the stack opens itself ({@code client}), the {@link PeerTrust}: a foreign domain's chain must
     * lead to a CA the JVM trusts, another node's to the cluster's CA as well. For the listener, the JDK's trust
     * store, unused: clients are not asked for certificates (TLS_CLIENT_AUTH_TYPE).
     */
    @Override
    public TrustManager[] getTrustManagers(boolean client) {
        if (client) {
            return new TrustManager[] {clientTrust};
        }
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no default trust store", e);
        }
    }
}
