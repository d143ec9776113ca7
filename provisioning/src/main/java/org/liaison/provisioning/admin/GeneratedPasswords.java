package org.liaison.provisioning.admin;

import java.security.SecureRandom;

/**
 * Passwords the server makes for new users. 20 characters from an alphabet without look-alikes
 * (no 0/O, 1/l/I): 56 symbols, about 116 bits, readable aloud or from paper if it ever must be.
 */
final class GeneratedPasswords {
    static final int LENGTH = 20;
    static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final SecureRandom random;

    GeneratedPasswords(SecureRandom random) {
        this.random = random;
    }

    String next() {
        StringBuilder password = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
