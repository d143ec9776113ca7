package org.liaison.sip.wire;

import org.liaison.sip.testing.TestServer;

/** The test server as the SIPp tests need it. */
final class SippServers {
    private SippServers() {
    }

    /**
     * A server whose challenges sipp can answer. sipp 3.6 computes MD5 digests only (and AKA),
     * and reads the algorithm from the first challenge of the response.
     */
    static TestServer.Builder builder() {
        return TestServer.builder().property("auth.algorithms", "MD5");
    }
}
