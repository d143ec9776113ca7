package org.liaison.sip.edge;

import gov.nist.javax.sip.SipStackImpl;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.sip.PeerUnavailableException;

/**
 * The JAIN-SIP stack with the server's own TLS key material. The stack only takes a security
 * provider by class name and passes it a copy of its properties, so an object (the reloading key
 * manager) cannot travel that way; the provider is set here, after construction and before any
 * listening point (whose TLS context reads it) exists.
 */
final class TlsSipStack extends SipStackImpl {
    TlsSipStack(Properties properties, KeyManager keys) throws PeerUnavailableException {
        super(properties);
        this.securityManagerProvider = new TlsKeySource(keys);
    }
}
