package org.liaison.im;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns a user name into a directory name and back. User names come from our own validated
 * list, but a path is still never built from a name as is: every byte outside
 * {@code [A-Za-z0-9_-]} becomes {@code %XX}, so no name can be {@code ..}, hold a separator or
 * collide with another name once encoded (upper case letters are encoded too, so names that
 * differ only by case stay apart on case-insensitive file systems).
 */
final class RecipientNames {

    /** Most file systems cap a name at 255 bytes. */
    private static final int MAX_FILE_NAME = 255;

    private RecipientNames() {
    }

    static String toFileName(String recipient) {
        if (recipient.isEmpty()) {
            throw new IllegalArgumentException("recipient must not be empty");
        }
        StringBuilder name = new StringBuilder();
        for (byte b : recipient.getBytes(StandardCharsets.UTF_8)) {
            if (isKept(b)) {
                name.append((char) b);
            } else {
                name.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        if (name.length() > MAX_FILE_NAME) {
            throw new IllegalArgumentException("recipient name too long to store: " + recipient.length() + " chars");
        }
        return name.toString();
    }

    /** Empty when the name is not one {@link #toFileName} produces, e.g. a file someone put there. */
    static Optional<String> fromFileName(String fileName) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            if (c == '%' && i + 2 < fileName.length()) {
                int high = hexDigit(fileName.charAt(i + 1));
                int low = hexDigit(fileName.charAt(i + 2));
                if (high < 0 || low < 0) {
                    return Optional.empty();
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c < 0x80 && isKept((byte) c)) {
                bytes.write(c);
            } else {
                return Optional.empty();
            }
        }
        String recipient = bytes.toString(StandardCharsets.UTF_8);
        return !recipient.isEmpty() && toFileName(recipient).equals(fileName) ? Optional.of(recipient) : Optional.empty();
    }

    private static boolean isKept(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '-';
    }

    private static int hexDigit(char c) {
        return c >= 'a' && c <= 'f' ? -1 : Character.digit(c, 16);
    }
}
