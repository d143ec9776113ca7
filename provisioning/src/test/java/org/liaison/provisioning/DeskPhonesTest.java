package org.liaison.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeskPhonesTest {
    private static final String HEADER = "mac,vendor,model,username,line\n";

    @TempDir
    Path dir;

    private Path devices(String rows) {
        return UsersCsvFiles.replace(dir.resolve("devices.csv"), HEADER + rows);
    }

    @Test
    void aPhoneIsFoundByItsMacInAnySpelling() throws Exception {
        DeskPhones phones = DeskPhones.open(devices("00:15:65:AB:CD:EF,Yealink,T46U,alice,2\n"));
        Device phone = phones.byMac("001565abcdef").orElseThrow();
        assertEquals(new Device("001565abcdef", Device.Vendor.YEALINK, "T46U", "alice", 2), phone);
        assertEquals(Optional.of(phone), phones.byMac("00-15-65-ab-cd-ef"));
        assertEquals(Optional.empty(), phones.byMac("001565000000"));
    }

    @Test
    void aMissingFileMeansNoPhones() throws Exception {
        assertEquals(Optional.empty(), DeskPhones.open(dir.resolve("absent.csv")).byMac("001565abcdef"));
    }

    @Test
    void everyProblemIsReportedWithItsLineAndNothingIsApplied() {
        Path file = devices("001565abcdef,yealink,T46U,alice,1\n"
                + "00156,yealink,T46U,bob,1\n"
                + "00:15:65:ab:cd:ef,yealink,T46U,carol,1\n"
                + "001565000001,cisco,7960,dave,1\n"
                + "001565000002,grandstream,GXP2170,eve,17\n");
        UsersFileException e = assertThrows(UsersFileException.class, () -> DeskPhones.open(file));
        assertEquals(List.of(
                "devices.csv:3: mac: \"00156\" is not a MAC address (12 hex digits)",
                "devices.csv:4: mac: 001565abcdef is already on line 2",
                "devices.csv:5: vendor: \"cisco\" is not yealink or grandstream",
                "devices.csv:6: line: \"17\" is not a line number (1-16)"), e.problems());
    }

    @Test
    void anEditAppliesAtTheNextLookupAndABrokenEditKeepsTheLastGoodList() throws Exception {
        DeskPhones phones = DeskPhones.open(devices("001565abcdef,yealink,T46U,alice,1\n"));
        devices("001565abcdef,yealink,T46U,alice,1\n001565000001,grandstream,GXP2170,bob,1\n");
        assertTrue(phones.byMac("001565000001").isPresent(), "added phone served");

        devices("001565abcdef,yealink,T46U,alice,99\n");
        assertTrue(phones.byMac("001565000001").isPresent(), "still the last valid list");
        assertEquals(1, phones.byMac("001565abcdef").orElseThrow().line());
    }
}
