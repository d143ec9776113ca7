package org.liaison.sip.tls.acme;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.liaison.sip.tls.PemFiles;

/**
 * EC P-256 key pairs (the account's, each certificate's) from the JDK, since acme4j's own helpers want Bouncy Castle
 * registered as a JCA provider; and the account's kept as PEM: the private key (PKCS#8) and its public key (X.509
 * SubjectPublicKeyInfo) in one file.
 */
final class EcKeyPairs {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN (PRIVATE KEY|PUBLIC KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private EcKeyPairs() {
    }

    static KeyPair newPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys", e);
        }
    }

    /** The pair in {@code file}, written by {@link #write}. */
    static KeyPair read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    /** The pair in {@code pemText} (as {@link #text} makes it); {@code where} names its origin in errors. */
    static KeyPair parse(String pemText, String where) throws IOException {
        byte[] privateKey = null;
        byte[] publicKey = null;
        Matcher block = PEM.matcher(pemText);
        while (block.find()) {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            if (block.group(1).equals("PRIVATE KEY")) {
                privateKey = der;
            } else {
                publicKey = der;
            }
        }
        if (privateKey == null || publicKey == null) {
            throw new IOException(where + ": holds no PEM PRIVATE KEY and PUBLIC KEY");
        }
        try {
            KeyFactory ec = KeyFactory.getInstance("EC");
            return new KeyPair(ec.generatePublic(new X509EncodedKeySpec(publicKey)),
                    ec.generatePrivate(new PKCS8EncodedKeySpec(privateKey)));
        } catch (GeneralSecurityException e) {
            throw new IOException(where + ": not an EC key pair (" + e.getMessage() + ")", e);
        }
    }

    /** Writes {@code pair} to {@code file}, owner-only from its first byte. */
    static void write(KeyPair pair, Path file) throws IOException {
        PemFiles.writeText(file, PemFiles.OWNER_ONLY, text(pair));
    }

    /** {@code pair} as PEM text: the private key, then the public key. */
    static String text(KeyPair pair) {
        return pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
