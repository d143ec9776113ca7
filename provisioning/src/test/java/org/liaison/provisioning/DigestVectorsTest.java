package org.liaison.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HA1 values against published vectors, recomputed here with {@link MessageDigest} directly so
 * that a mistake shared with the production code cannot hide.
 */
class DigestVectorsTest {
    // RFC 7616 §3.9.1: the worked example's inputs and its published responses.
    private static final String USERNAME = "Mufasa";
    private static final String REALM = "http-auth@example.org";
    private static final String PASSWORD = "Circle of Life";
    private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    private static final String MD5_RESPONSE = "8ca523f5e9506fed4657c9700eebdbec";
    private static final String SHA256_RESPONSE = "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1";

    @TempDir
    Path dir;

    @Test
    void md5Ha1MatchesTheRfc2617Example() {
        // RFC 2617 §3.5 prints HA1 itself; note its realm and "Circle Of Life" differ from RFC 7616's.
        Credentials credentials = Credentials.fromPassword("Mufasa", "testrealm@host.com", "Circle Of Life");

        assertEquals("939e7578ed9e3c518a452acee763bce9", credentials.ha1(DigestAlgorithm.MD5).orElseThrow());
    }

    @Test
    void ha1OfBothAlgorithmsYieldsTheResponsesPublishedInRfc7616() throws Exception {
        Credentials credentials = Credentials.fromPassword(USERNAME, REALM, PASSWORD);

        assertEquals(MD5_RESPONSE, response("MD5", credentials.ha1(DigestAlgorithm.MD5).orElseThrow()));
        assertEquals(SHA256_RESPONSE, response("SHA-256", credentials.ha1(DigestAlgorithm.SHA_256).orElseThrow()));
    }

    @Test
    void rfc7616Ha1ValuesAreTheOnesShellToolsGive() {
        // printf 'Mufasa:http-auth@example.org:Circle of Life' | md5sum   (and | sha256sum)
        Credentials credentials = Credentials.fromPassword(USERNAME, REALM, PASSWORD);

        assertEquals("3d78807defe7de2157e2b0b6573a855f", credentials.ha1(DigestAlgorithm.MD5).orElseThrow());
        assertEquals("7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232",
                credentials.ha1(DigestAlgorithm.SHA_256).orElseThrow());
    }

    @Test
    void clearPasswordInTheFileIsHashedWithTheLowerCaseUsernameAndTheRealm() throws Exception {
        Path file = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "Mufasa,clrtxt:Circle of Life,,,");

        Credentials credentials = UsersFile.load(file, REALM).byUsername("mufasa").orElseThrow().credentials();

        // printf 'mufasa:http-auth@example.org:Circle of Life' | md5sum   (and | sha256sum)
        assertEquals("e41c0f9e958da58f4bf79d91a815b0f6", credentials.ha1(DigestAlgorithm.MD5).orElseThrow());
        assertEquals("3d259d65741395d6fa034086944f1882c790ee6422e3dea3dda37bc8c789166c",
                credentials.ha1(DigestAlgorithm.SHA_256).orElseThrow());
    }

    @Test
    void hashedPasswordInTheFileIsUsedAsGivenInLowerCase() throws Exception {
        Path file = UsersCsvFiles.withUsers(dir.resolve("users.csv"),
                "mufasa,MD5:3D78807DEFE7DE2157E2B0B6573A855F"
                        + "+Sha256:7987C64C30E25F1B74BE53F966B49B90F2808AA92FAF9A00262392D7B4794232,,,");

        Credentials credentials = UsersFile.load(file, "another.realm").byUsername("mufasa").orElseThrow().credentials();

        assertEquals(Credentials.fromPassword(USERNAME, REALM, PASSWORD), credentials);
    }

    /** RFC 7616 §3.4.1 with qop=auth: KD(HA1, nonce:nc:cnonce:qop:H(A2)), A2 = method:uri. */
    private static String response(String algorithm, String ha1) throws Exception {
        String ha2 = hex(algorithm, "GET:/dir/index.html");
        return hex(algorithm, ha1 + ":" + NONCE + ":00000001:" + CNONCE + ":auth:" + ha2);
    }

    private static String hex(String algorithm, String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
