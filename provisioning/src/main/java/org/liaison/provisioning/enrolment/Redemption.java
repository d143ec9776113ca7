package org.liaison.provisioning.enrolment;

/** What presenting an enrolment token found. */
public sealed interface Redemption {
    /** The token was good and is now spent: serve {@code username}'s configuration. */
    record Accepted(String username) implements Redemption {
    }

    /** The token was already used (410 Gone). */
    record Used(String username) implements Redemption {
    }

    /** A newer link was issued to the same user before this one was used (410 Gone). */
    record Replaced(String username) implements Redemption {
    }

    /** The token's time ran out before it was used (410 Gone). */
    record Expired(String username) implements Redemption {
    }

    /** No such token was ever issued, or it was forgotten long ago (404). */
    record Unknown() implements Redemption {
    }
}
