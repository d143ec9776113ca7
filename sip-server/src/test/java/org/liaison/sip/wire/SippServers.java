package org.liaison.sip.wire;

import org.liaison.sip.testing.TestServer;

/** The test server as the SIPp tests need it. */
final class SippServers {
    private SippServers() {
    }

    /**
     * A server whose challenges sipp can answer. sipp 3.6 computes MD5 digests only (and AKA), and
     * takes the algorithm from the first challenge: offered "SHA-256, MD5" (the default) it gives up
     * with "createAuthHeader: authentication must use MD5 or AKAv1-MD5".
     */
    static TestServer.Builder builder() {
        return TestServer.builder().property("auth.algorithms", "MD5");
    }
}
