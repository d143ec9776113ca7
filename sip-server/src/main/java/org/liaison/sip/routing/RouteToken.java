package org.liaison.sip.routing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token in our Record-Route ({@code ;ltok=}): an HMAC of the dialog's Call-ID. An in-dialog
 * request is forwarded only when its Route carries the token of its Call-ID, so nobody can use the
 * server as a relay by making up a To tag and a Route (toll fraud). The key lives in data.dir so
 * calls survive a restart.
 */
public final class RouteToken {
    public static final String PARAM = "ltok";
    private static final String KEY_FILE = "route-token.key";

    private final SecretKeySpec key;

    RouteToken(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** Loads the key from {@code dataDir}, creating it (mode 0600) on first start. */
    public static RouteToken open(Path dataDir) throws IOException {
        Path file = dataDir.resolve(KEY_FILE);
        if (!Files.exists(file)) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            Path tmp = Files.createTempFile(dataDir, KEY_FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, fresh, StandardOpenOption.SYNC);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != 32) {
            throw new IOException(file + " is damaged (expected 32 bytes); delete it to make a new one");
        }
        return new RouteToken(key);
    }

    /** The {@code ltok} value of our Record-Route for a dialog with this Call-ID. */
    public String tokenFor(String callId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] full = mac.doFinal(callId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(full, 0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java runtime", e);
        }
    }

    boolean isValid(String callId, String token) {
        return token != null && MessageDigest.isEqual(tokenFor(callId).getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII));
    }
}
