package org.liaison.sip.tls;

/** A certificate or key the server cannot serve with; the message is one line naming the file. */
public final class CertificateProblem extends Exception {
    private static final long serialVersionUID = 1L;

    CertificateProblem(java.nio.file.Path file, String what) {
        super(file + ": " + what);
    }

    CertificateProblem(java.nio.file.Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
    }
}
