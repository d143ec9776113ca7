package org.liaison.sip.auth;

import org.liaison.sip.config.AuthSettings;

/** The guessing defence of one machine, in this process's memory. */
class MemoryAuthFailuresTest extends AuthFailureStoreContract {
    @Override
    protected AuthFailureStore newStore(AuthSettings settings) {
        return new MemoryAuthFailures(settings);
    }
}
