package org.liaison.provisioning.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class DirectoryFormatsTest {
    /** Names that break naive escaping: markup, CSV and vCard separators, accents, quotes. */
    private static final String[] AWKWARD_STAFF = {
        "alice,clrtxt:a,\"Liddell, Alice\",1001,sales",
        "bob,clrtxt:b,Bob <Boss> & Sons,1002,sales;support",
        "helene,clrtxt:h,Hélène Dupré-Noël,1003,",
        "oneil,clrtxt:o,\"O'Neil; \"\"Jr\"\" \\ Jack\",,support",
        "zed,clrtxt:z,,,",
    };

    @TempDir
    Path dir;

    @Test
    void vCardListMatchesTheGoldenFile() throws Exception {
        Golden.assertMatches("awkward-staff.vcf", VCardList.render(entries()));
    }

    @Test
    void yealinkPhonebookMatchesTheGoldenFileAndParses() throws Exception {
        String xml = YealinkPhonebook.render(entries());

        Golden.assertMatches("awkward-staff-yealink.xml", xml);
        Document parsed = parse(xml);
        assertEquals("Bob <Boss> & Sons", parsed.getElementsByTagName("Name").item(0).getTextContent());
    }

    @Test
    void ciscoDirectoryMatchesTheGoldenFileAndParses() throws Exception {
        String xml = CiscoDirectory.page(entries(), 1, "Example & Co", n -> "https://p.example.org/cisco?page=" + n);

        Golden.assertMatches("awkward-staff-cisco.xml", xml);
        assertEquals(7, parse(xml).getElementsByTagName("DirectoryEntry").getLength());
    }

    @Test
    void ciscoPagesHoldAtMost32EntriesAndLinkToTheirNeighbours() throws Exception {
        List<DirectoryEntry> seventy = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            seventy.add(new DirectoryEntry(DirectoryEntry.Kind.PERSON, "u" + i, "User " + i,
                    Optional.of(String.valueOf(2000 + i)), "sip:u" + i + "@example.org"));
        }

        assertEquals(3, CiscoDirectory.pageCount(seventy));
        Document first = parse(CiscoDirectory.page(seventy, 1, "Staff", n -> "/d?page=" + n));
        Document middle = parse(CiscoDirectory.page(seventy, 2, "Staff", n -> "/d?page=" + n));
        Document last = parse(CiscoDirectory.page(seventy, 3, "Staff", n -> "/d?page=" + n));
        assertEquals(32, first.getElementsByTagName("DirectoryEntry").getLength());
        assertEquals(32, middle.getElementsByTagName("DirectoryEntry").getLength());
        assertEquals(6, last.getElementsByTagName("DirectoryEntry").getLength());
        assertEquals(List.of("SoftKey:Dial", "/d?page=2", "SoftKey:Exit"), urls(first));
        assertEquals(List.of("SoftKey:Dial", "/d?page=1", "/d?page=3", "SoftKey:Exit"), urls(middle));
        assertEquals(List.of("SoftKey:Dial", "/d?page=2", "SoftKey:Exit"), urls(last));
        assertEquals("User 64", last.getElementsByTagName("Name").item(0).getTextContent());
        assertThrows(IllegalArgumentException.class, () -> CiscoDirectory.page(seventy, 4, "Staff", n -> ""));
        assertThrows(IllegalArgumentException.class, () -> CiscoDirectory.page(seventy, 0, "Staff", n -> ""));
    }

    @Test
    void anEmptyDirectoryIsOneEmptyCiscoPage() throws Exception {
        Document page = parse(CiscoDirectory.page(List.of(), 1, "Staff", n -> "/d?page=" + n));

        assertEquals(0, page.getElementsByTagName("DirectoryEntry").getLength());
        assertEquals(List.of("SoftKey:Dial", "SoftKey:Exit"), urls(page));
    }

    @Test
    void vCardLinesAreFoldedAt75OctetsWithoutSplittingACharacter() {
        String longName = "É".repeat(30) + "山".repeat(10) + "🎧".repeat(5); // 2, 3 and 4 octets each
        String vcard = VCardList.render(List.of(new DirectoryEntry(DirectoryEntry.Kind.GROUP, "g", longName,
                Optional.empty(), "sip:g@example.org")));

        for (String line : vcard.split("\r\n")) {
            assertEquals(true, line.getBytes(StandardCharsets.UTF_8).length <= 75, "too long: " + line);
        }
        assertEquals("FN:" + longName, vcard.replace("\r\n ", "").lines()
                .filter(l -> l.startsWith("FN:")).findFirst().orElseThrow());
    }

    @Test
    void vCardTextEscapesEveryCharacterRfc6350Names() {
        assertEquals("a\\,b\\;c\\\\d\\ne\\nf", VCardList.text("a,b;c\\d\ne\r\nf"));
    }

    @Test
    void xmlTextReplacesControlCharactersThatXmlForbids() {
        assertEquals("a b&lt;&amp;&gt;&quot;&apos;", Xml.text("a\u0001b<&>\"'"));
    }

    private List<DirectoryEntry> entries() throws Exception {
        return Staff.directory(dir, AWKWARD_STAFF).entries();
    }

    private static List<String> urls(Document page) {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < page.getElementsByTagName("URL").getLength(); i++) {
            urls.add(page.getElementsByTagName("URL").item(i).getTextContent());
        }
        return urls;
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
