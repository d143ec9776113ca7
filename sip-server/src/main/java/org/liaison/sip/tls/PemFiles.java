package org.liaison.sip.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM in and out: certificate chains and unencrypted private keys (PKCS#8, or the OpenSSL EC/RSA forms). Public for
 * {@link #writeText}: the ACME client keeps its account key the same way.
 */
public final class PemFiles {
    public static final String OWNER_ONLY = "rw-------";
    static final String WORLD_READABLE = "rw-r--r--";

    private PemFiles() {
    }

    /** Every certificate in the file, in file order (the server's own first in a chain). */
    static List<X509Certificate> readCertificates(Path file) throws CertificateProblem {
        return certificates(open(file), file);
    }

    /** As {@link #readCertificates(Path)}, from PEM text kept elsewhere ({@code where} names it in problems). */
    static List<X509Certificate> certificates(String pemText, Path where) throws CertificateProblem {
        return certificates(new StringReader(pemText), where);
    }

    private static List<X509Certificate> certificates(Reader in, Path file) throws CertificateProblem {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser pem = new PEMParser(in)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new CertificateProblem(file, "not a readable PEM certificate (" + e.getMessage() + ")", e);
        }
        if (chain.isEmpty()) {
            throw new CertificateProblem(file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    static PrivateKey readPrivateKey(Path file) throws CertificateProblem {
        return privateKey(open(file), file);
    }

    /** As {@link #readPrivateKey(Path)}, from PEM text kept elsewhere ({@code where} names it in problems). */
    static PrivateKey privateKey(String pemText, Path where) throws CertificateProblem {
        return privateKey(new StringReader(pemText), where);
    }

    private static PrivateKey privateKey(Reader in, Path file) throws CertificateProblem {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser pem = new PEMParser(in)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            }
        } catch (IOException e) {
            throw new CertificateProblem(file, "not a readable PEM private key (" + e.getMessage() + ")", e);
        }
        throw new CertificateProblem(file, "holds no unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static Reader open(Path file) throws CertificateProblem {
        try {
            return Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new CertificateProblem(file, "no such file");
        } catch (IOException e) {
            throw new CertificateProblem(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code objects} as PEM, replacing {@code file} in one rename so that a reader (or a
     * crash) sees the old file or the new one; the file has {@code permissions} from its creation.
     */
    static void write(Path file, String permissions, Object... objects) throws IOException {
        writeText(file, permissions, text(objects));
    }

    /** {@code objects} (certificates, keys) as PEM text, in that order. */
    static String text(Object... objects) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (Object o : objects) {
                // keys as PKCS#8 ("PRIVATE KEY"), the form every TLS library reads
                pem.writeObject(o instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : o);
            }
        }
        return text.toString();
    }

    /** Writes PEM {@code text} as {@link #write} does. */
    public static void writeText(Path file, String permissions, String text) throws IOException {
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_ONLY)));
        try {
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.US_ASCII)) {
                out.write(text);
            }
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(permissions));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
