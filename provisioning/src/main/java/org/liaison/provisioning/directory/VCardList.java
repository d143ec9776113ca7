package org.liaison.provisioning.directory;

import java.util.List;

/**
 * The directory as a list of vCards 4.0 (RFC 6350), what Linphone's
 * {@code [misc] contacts-vcard-list} fetches: Linphone takes a contact's SIP address from its
 * {@code IMPP} property. Media type {@code text/vcard; charset=utf-8}.
 */
public final class VCardList {
    private static final String CRLF = "\r\n";
    /** RFC 6350 §3.2: lines SHOULD NOT be longer than 75 octets, line break excluded. */
    private static final int MAX_LINE_OCTETS = 75;

    private VCardList() {
    }

    public static String render(List<DirectoryEntry> entries) {
        StringBuilder out = new StringBuilder();
        for (DirectoryEntry entry : entries) {
            line(out, "BEGIN:VCARD");
            line(out, "VERSION:4.0");
            if (entry.kind() == DirectoryEntry.Kind.GROUP) {
                line(out, "KIND:group");
            }
            line(out, "FN:" + text(entry.name()));
            if (entry.kind() == DirectoryEntry.Kind.PERSON) {
                line(out, "N:" + structuredName(entry.name()));
            }
            line(out, "IMPP:" + entry.sipAddress());
            entry.extension().ifPresent(extension -> line(out, "TEL;TYPE=work:" + extension));
            line(out, "END:VCARD");
        }
        return out.toString();
    }

    /**
     * N is family;given;additional;prefixes;suffixes. A display name does not say which word is
     * the family name: "Family, Given" says it with its comma; otherwise the last word is taken,
     * right for most names and harmless for the rest, since clients show FN.
     */
    private static String structuredName(String name) {
        String trimmed = name.strip();
        int comma = trimmed.indexOf(',');
        int split = comma >= 0 ? comma : trimmed.lastIndexOf(' ');
        String family = split < 0 ? trimmed : comma >= 0 ? trimmed.substring(0, split) : trimmed.substring(split + 1);
        String given = split < 0 ? "" : comma >= 0 ? trimmed.substring(split + 1) : trimmed.substring(0, split);
        return text(family.strip()) + ";" + text(given.strip()) + ";;;";
    }

    /** RFC 6350 §3.4: backslash, comma, semicolon and line breaks are escaped in text values. */
    static String text(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case ',' -> out.append("\\,");
                case ';' -> out.append("\\;");
                case '\n' -> out.append("\\n");
                case '\r' -> {
                    if (i + 1 >= value.length() || value.charAt(i + 1) != '\n') {
                        out.append("\\n");
                    }
                }
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Appends {@code content} folded (RFC 6350 §3.2) without splitting a UTF-8 character. */
    private static void line(StringBuilder out, String content) {
        int octets = 0;
        int limit = MAX_LINE_OCTETS;
        for (int i = 0; i < content.length(); ) {
            int codePoint = content.codePointAt(i);
            int size = utf8Length(codePoint);
            if (octets + size > limit) {
                out.append(CRLF).append(' ');
                octets = 0;
                limit = MAX_LINE_OCTETS - 1; // the leading space of a continuation counts
            }
            out.appendCodePoint(codePoint);
            octets += size;
            i += Character.charCount(codePoint);
        }
        out.append(CRLF);
    }

    private static int utf8Length(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }
}
