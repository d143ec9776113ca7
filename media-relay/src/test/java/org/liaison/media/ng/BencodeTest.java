package org.liaison.media.ng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BencodeTest {

    @Test
    void encodesDictionariesWithSortedKeysAsBep3Says() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("sdp", "v=0\r\n");
        d.put("command", "offer");
        d.put("flags", List.of("trust-address", 7L));
        assertEquals("d7:command5:offer5:flagsl13:trust-addressi7ee3:sdp5:v=0\r\ne", text(Bencode.encode(d)));
    }

    @Test
    void decodesWhatItEncodesIncludingUtf8AndNegativeNumbers() throws Exception {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("a", -42L);
        d.put("nested", Map.of("s", "Zoë ☎"));
        d.put("list", List.of());
        byte[] bytes = Bencode.encode(d);
        assertEquals(d, Bencode.decode(bytes, 0, bytes.length));
    }

    @Test
    void refusesMalformedInput() {
        String[] bad = {"", "i12", "ie", "i1x2e", "5:abc", "-1:a", "l", "d3:keye", "di1ei2ee", "x", "i1ei2e",
            "l".repeat(100) + "e".repeat(100)};
        for (String text : bad) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            assertThrows(NgException.class, () -> Bencode.decode(bytes, 0, bytes.length), text);
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
