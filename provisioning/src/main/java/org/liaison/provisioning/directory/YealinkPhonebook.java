package org.liaison.provisioning.directory;

import java.util.List;

/**
 * The directory as a Yealink remote phonebook ({@code YealinkIPPhoneDirectory}), which a Yealink
 * phone fetches from the URL in its {@code remote_phonebook.data.N.url} setting. Media type
 * {@code application/xml; charset=utf-8}.
 */
public final class YealinkPhonebook {
    private YealinkPhonebook() {
    }

    public static String render(List<DirectoryEntry> entries) {
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.append("<YealinkIPPhoneDirectory>\n");
        for (DirectoryEntry entry : entries) {
            Xml.directoryEntry(out, entry.name(), entry.number());
        }
        return out.append("</YealinkIPPhoneDirectory>\n").toString();
    }
}
