package org.liaison.sip.proxy;

import javax.sip.message.Request;

/** What the forwarder tells about the calls it carries (presence shows who is on the phone). */
public interface CallWatcher {
    /** A 2xx to {@code invite}, a request that opens a call (no To tag), went upstream: the call is up. */
    void answered(Request invite);

    /** {@code bye} is forwarded: the call of its Call-ID is over. */
    void ended(Request bye);
}
