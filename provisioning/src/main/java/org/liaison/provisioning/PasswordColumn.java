package org.liaison.provisioning;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The password column of users.csv, either form:
 * <pre>
 * password = clear / hashed
 * clear    = "clrtxt:" 1*CHAR                    ; the rest of the cell, verbatim
 * hashed   = ha1 *( "+" ha1 )                    ; each algorithm at most once
 * ha1      = "md5:" 32HEXDIG / "sha256:" 64HEXDIG ; HA1 = H(username ":" realm ":" password)
 * </pre>
 * Prefixes and hex digits are case-insensitive; hex is stored lower-case. Hashed values must
 * have been computed with the lower-case username and the server's realm (RFC 7616 §3.4.2).
 */
sealed interface PasswordColumn {
    String CLEAR_PREFIX = "clrtxt:";
    String ACCEPTED_FORMS = "clrtxt:<password>, or md5:<32 hex digits> and/or sha256:<64 hex digits> joined by '+'";
    Pattern HEX = Pattern.compile("[0-9A-Fa-f]+");

    /** The credentials this cell stands for, for {@code username} in {@code realm}. */
    Credentials credentials(String username, String realm);

    /** A clear password, hashed for every algorithm once the realm is known. */
    final class Clear implements PasswordColumn {
        private final String password;

        private Clear(String password) {
            this.password = password;
        }

        @Override
        public Credentials credentials(String username, String realm) {
            return Credentials.fromPassword(username, realm, password);
        }

        @Override
        public String toString() {
            return "Clear[password hidden]";
        }
    }

    /** HA1 values given in the file; they are used as they are. */
    record Hashed(Map<DigestAlgorithm, String> ha1ByAlgorithm) implements PasswordColumn {
        @Override
        public Credentials credentials(String username, String realm) {
            return new Credentials(ha1ByAlgorithm);
        }

        @Override
        public String toString() {
            return "Hashed" + ha1ByAlgorithm.keySet();
        }
    }

    /**
     * Parses one cell. Problems go to {@code problems} and never quote the cell: whatever is in
     * the password column may be a password.
     */
    static Optional<PasswordColumn> parse(String cell, Consumer<String> problems) {
        if (cell.isEmpty()) {
            problems.accept("password is required: " + ACCEPTED_FORMS);
            return Optional.empty();
        }
        if (cell.regionMatches(true, 0, CLEAR_PREFIX, 0, CLEAR_PREFIX.length())) {
            String password = cell.substring(CLEAR_PREFIX.length());
            if (password.isEmpty()) {
                problems.accept("password: nothing follows " + CLEAR_PREFIX);
                return Optional.empty();
            }
            return Optional.of(new Clear(password));
        }
        return parseHashed(cell, problems);
    }

    private static Optional<PasswordColumn> parseHashed(String cell, Consumer<String> problems) {
        Map<DigestAlgorithm, String> ha1 = new EnumMap<>(DigestAlgorithm.class);
        boolean valid = true;
        for (String part : cell.split("\\+", -1)) {
            int colon = part.indexOf(':');
            Optional<DigestAlgorithm> algorithm = colon < 0
                    ? Optional.empty()
                    : DigestAlgorithm.fromStoragePrefix(part.substring(0, colon));
            if (algorithm.isEmpty()) {
                problems.accept("password must be " + ACCEPTED_FORMS);
                return Optional.empty();
            }
            DigestAlgorithm a = algorithm.get();
            String digest = part.substring(colon + 1);
            if (digest.length() != a.hexLength() || !HEX.matcher(digest).matches()) {
                problems.accept("password: the " + a.storagePrefix() + " HA1 must be " + a.hexLength() + " hex digits");
                valid = false;
            } else if (ha1.put(a, digest.toLowerCase(Locale.ROOT)) != null) {
                problems.accept("password: " + a.storagePrefix() + " is given more than once");
                valid = false;
            }
        }
        return valid ? Optional.of(new Hashed(ha1)) : Optional.empty();
    }

    /** The hashed form of {@code credentials}, as the password column holds it: {@code md5:…+sha256:…}. */
    static String hashedForm(Credentials credentials) {
        return Stream.of(DigestAlgorithm.values())
                .flatMap(a -> credentials.ha1(a).map(ha1 -> a.storagePrefix() + ":" + ha1).stream())
                .collect(Collectors.joining("+"));
    }
}
