package org.liaison.sip.auth;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One authentication attempt as the guessing defence keys it, in plain strings so that a store outside this package
 * (the cluster's Redis) can hold it.
 *
 * @param source   the address failures are counted against ({@link Origin#counted()}: an IPv4 address or an IPv6
 *                 /64), as a literal
 * @param user     the username as the client wrote it, lower case (usernames are looked up ignoring case)
 * @param marks    the device's marks ({@link Origin#device()})
 * @param identity the one mark that names the device best ({@link Origin#identity()}); empty when it has no marks
 */
public record AuthAttempt(String source, String user, Set<String> marks, Optional<String> identity) {
    public AuthAttempt {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(user, "user");
        marks = Set.copyOf(marks);
        Objects.requireNonNull(identity, "identity");
    }
}
