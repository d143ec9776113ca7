package org.liaison.provisioning.directory;

/** Text for the XML phonebooks. Package-private: each format decides its own elements. */
final class Xml {
    private Xml() {
    }

    /**
     * {@code value} as XML character data. Markup characters become references; control
     * characters, which XML 1.0 forbids or a one-line phone display cannot show, become spaces.
     */
    static String text(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (Character.isISOControl(c) || c == 0xFFFE || c == 0xFFFF) {
                        out.append(' ');
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }

    /** {@code <name>text</name>} on its own line. */
    static void element(StringBuilder out, String indent, String name, String value) {
        out.append(indent).append('<').append(name).append('>').append(text(value))
                .append("</").append(name).append(">\n");
    }

    /** A {@code DirectoryEntry} with its Name and Telephone, the element Yealink copied from Cisco. */
    static void directoryEntry(StringBuilder out, String name, String telephone) {
        out.append("  <DirectoryEntry>\n");
        element(out, "    ", "Name", name);
        element(out, "    ", "Telephone", telephone);
        out.append("  </DirectoryEntry>\n");
    }
}
