package org.liaison.provisioning.directory;

import java.util.List;
import java.util.function.IntFunction;

/**
 * The directory as Cisco IP phone XML ({@code CiscoIPPhoneDirectory}), one page at a time: the
 * phones show at most 32 entries per object, so longer directories get Previous and Next soft
 * keys whose URLs the caller makes. Cisco phones also cut texts at 32 characters; names are cut
 * here so that what is cut is predictable. No XML declaration: older firmware rejects one, the
 * HTTP {@code Content-Type: text/xml; charset=utf-8} says the encoding.
 */
public final class CiscoDirectory {
    /** The phones' limit on DirectoryEntry elements per object. */
    public static final int PAGE_SIZE = 32;
    private static final int MAX_TEXT = 32;

    private CiscoDirectory() {
    }

    /** How many pages {@code entries} make; an empty directory still has one (empty) page. */
    public static int pageCount(List<DirectoryEntry> entries) {
        return Math.max(1, (entries.size() + PAGE_SIZE - 1) / PAGE_SIZE);
    }

    /**
     * Page {@code page} (1-based) of {@code entries}.
     *
     * @param title   shown at the top of the phone's screen
     * @param pageUrl the URL of page n, for the soft keys (the caller keeps any search in it)
     * @throws IllegalArgumentException when there is no such page
     */
    public static String page(List<DirectoryEntry> entries, int page, String title, IntFunction<String> pageUrl) {
        int pages = pageCount(entries);
        if (page < 1 || page > pages) {
            throw new IllegalArgumentException("page " + page + " is not between 1 and " + pages);
        }
        StringBuilder out = new StringBuilder("<CiscoIPPhoneDirectory>\n");
        Xml.element(out, "  ", "Title", cut(title));
        Xml.element(out, "  ", "Prompt", "Page " + page + " of " + pages);
        for (DirectoryEntry entry : entries.subList((page - 1) * PAGE_SIZE, Math.min(entries.size(), page * PAGE_SIZE))) {
            Xml.directoryEntry(out, cut(entry.name()), entry.number());
        }
        int position = 1;
        softKey(out, "Dial", "SoftKey:Dial", position++);
        if (page > 1) {
            softKey(out, "Previous", pageUrl.apply(page - 1), position++);
        }
        if (page < pages) {
            softKey(out, "Next", pageUrl.apply(page + 1), position++);
        }
        softKey(out, "Exit", "SoftKey:Exit", position);
        return out.append("</CiscoIPPhoneDirectory>\n").toString();
    }

    private static void softKey(StringBuilder out, String name, String url, int position) {
        out.append("  <SoftKeyItem>\n");
        Xml.element(out, "    ", "Name", name);
        Xml.element(out, "    ", "URL", url);
        Xml.element(out, "    ", "Position", Integer.toString(position));
        out.append("  </SoftKeyItem>\n");
    }

    private static String cut(String text) {
        return text.codePointCount(0, text.length()) <= MAX_TEXT
                ? text
                : text.substring(0, text.offsetByCodePoints(0, MAX_TEXT));
    }
}
