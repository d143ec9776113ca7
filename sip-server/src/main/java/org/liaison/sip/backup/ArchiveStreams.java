package org.liaison.sip.backup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** The archive format: a POSIX (pax) tar, gzip'd, of regular files only, each with its SHA-256 in the manifest. */
final class ArchiveStreams {
    private ArchiveStreams() {
    }

    static TarArchiveOutputStream writer(OutputStream file) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(new BufferedOutputStream(file)));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        return tar;
    }

    static TarArchiveInputStream reader(InputStream file, String what) throws IOException {
        try {
            return new TarArchiveInputStream(new GZIPInputStream(new BufferedInputStream(file)));
        } catch (ZipException notGzip) {
            throw new BackupProblem(what + " is not a Liaison backup (a gzip'd tar): " + notGzip.getMessage());
        }
    }

    static TarArchiveEntry fileEntry(String name, long size, int mode, Instant modified) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | mode);
        entry.setLastModifiedTime(FileTime.from(modified));
        return entry;
    }

    /** Adds one file held in memory; returns its manifest line. */
    static BackupManifest.FileEntry putBytes(TarArchiveOutputStream tar, String name, byte[] bytes, int mode,
            Instant modified) throws IOException {
        tar.putArchiveEntry(fileEntry(name, bytes.length, mode, modified));
        tar.write(bytes);
        tar.closeArchiveEntry();
        MessageDigest sha256 = sha256();
        sha256.update(bytes);
        return new BackupManifest.FileEntry(name, bytes.length, hex(sha256));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
