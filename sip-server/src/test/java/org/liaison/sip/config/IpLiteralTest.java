package org.liaison.sip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class IpLiteralTest {
    /** The shapes IpLiteral accepted with regular expressions before issue 12: the loops must accept exactly these. */
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    @Test
    void parsesLiteralsOfBothFamilies() throws Exception {
        assertEquals(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 7}), IpLiteral.parse("192.0.2.7"));
        assertEquals(InetAddress.getByName("2001:db8::1"), IpLiteral.parse("2001:db8::1"));
        assertEquals(InetAddress.getByName("::1"), IpLiteral.parse("[::1]"));
        assertEquals(InetAddress.getByName("::ffff:192.0.2.7"), IpLiteral.parse("::ffff:192.0.2.7"));
    }

    @Test
    void refusesWhatIsNotALiteralWithoutAskingDns() {
        for (String text : List.of("", "localhost", "example.org", "1.2.3", "1.2.3.4.5", "1234.1.1.1", "1..2.3",
                ".1.2.3", "1.2.3.", "[::1", "::g", "١.٢.٣.٤", "１.2.3.4", "fe80::1%eth0", "1.2.3.4 ")) {
            assertNull(IpLiteral.parse(text), text);
        }
    }

    @Test
    void acceptsExactlyTheShapesTheRegularExpressionsAccepted() {
        Random random = new Random(12);
        String alphabet = "0123456789.:abcdefABCDEFgxyz[]%١ ";
        for (int n = 0; n < 60_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(n % 3 == 0 ? 16 : 20);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(n % 3 == 0 ? 11 : n % 3 == 1 ? 12 : alphabet.length())));
            }
            String t = text.toString();
            assertEquals(IPV4.matcher(t).matches() || IPV6.matcher(t).matches(), IpLiteral.hasLiteralShape(t), t);
        }
    }
}
