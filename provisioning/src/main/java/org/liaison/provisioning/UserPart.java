package org.liaison.provisioning;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names users.csv puts in SIP URIs: usernames ({@code sip:alice@domain}) and group names
 * ({@code sip:sales@domain}) share one namespace, so both follow one rule; extensions
 * ({@code sip:1001@domain}) are digits.
 */
public final class UserPart {
    static final int MAX_LENGTH = 64;
    public static final String RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most "
            + MAX_LENGTH + " characters";

    /**
     * Matched before lower-casing: lower-casing first would let non-ASCII letters in, such as the
     * Kelvin sign, which lower-cases to an ASCII {@code k}.
     */
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_LENGTH - 1) + "}");

    public static final String EXTENSION_RULE = "2 to 15 digits";
    private static final Pattern EXTENSION = Pattern.compile("[0-9]{2,15}");

    private UserPart() {
    }

    /** The name in its stored, lower-case form; empty when {@code raw} breaks the rule. */
    public static Optional<String> normalize(String raw) {
        return ALLOWED.matcher(raw).matches() ? Optional.of(raw.toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** {@code raw} when it is an extension: {@value #EXTENSION_RULE}. */
    public static Optional<String> extension(String raw) {
        return EXTENSION.matcher(raw).matches() ? Optional.of(raw) : Optional.empty();
    }
}
