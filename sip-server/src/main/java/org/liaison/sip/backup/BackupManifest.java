package org.liaison.sip.backup;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The archive's table of contents, its last entry ({@value #ENTRY_NAME}), in lines a person can read:
 * <pre>
 * liaison-backup 1
 * created 2026-12-06T01:50:00.123Z
 * data.dir /var/lib/liaison
 * file SIZE SHA-256 data/RELATIVE/PATH
 * </pre>
 * The path comes last on its line, so it may hold spaces; a name with a line break is refused when the backup is
 * made ({@link ArchivePaths}).
 *
 * @param created when the backup started
 * @param dataDir the data directory it was taken from (information only: restore writes where it is told)
 * @param files   every file of the archive, in archive order
 */
record BackupManifest(Instant created, String dataDir, List<FileEntry> files) {
    static final String ENTRY_NAME = "liaison-backup.manifest";
    static final int FORMAT = 1;
    private static final String MAGIC = "liaison-backup ";

    /** One file: its archive name ({@code data/...}), length in bytes and SHA-256 in lower-case hex. */
    record FileEntry(String name, long size, String sha256) {
    }

    BackupManifest {
        files = List.copyOf(files);
    }

    long totalBytes() {
        return files.stream().mapToLong(FileEntry::size).sum();
    }

    byte[] encode() {
        StringBuilder text = new StringBuilder(MAGIC).append(FORMAT).append('\n')
                .append("created ").append(created).append('\n')
                .append("data.dir ").append(dataDir).append('\n');
        for (FileEntry file : files) {
            text.append("file ").append(file.size()).append(' ').append(file.sha256()).append(' ')
                    .append(file.name()).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses what {@link #encode} wrote; anything else is a {@link BackupProblem} naming the line. */
    static BackupManifest parse(byte[] bytes) throws BackupProblem {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length < 4 || !lines[0].startsWith(MAGIC)) {
            throw invalid("it does not start with '" + MAGIC + FORMAT + "'");
        }
        if (!lines[0].equals(MAGIC + FORMAT)) {
            throw invalid("format " + lines[0].substring(MAGIC.length()) + " is not " + FORMAT
                    + " (made by another version of Liaison)");
        }
        Instant created;
        try {
            created = Instant.parse(value(lines[1], "created "));
        } catch (DateTimeParseException e) {
            throw invalid("line 2: " + e.getMessage());
        }
        String dataDir = value(lines[2], "data.dir ");
        Map<String, FileEntry> files = new LinkedHashMap<>();
        for (int i = 3; i < lines.length - 1; i++) {
            FileEntry file = fileEntry(lines[i], i + 1);
            if (files.put(file.name(), file) != null) {
                throw invalid("line " + (i + 1) + ": " + file.name() + " listed twice");
            }
        }
        if (!lines[lines.length - 1].isEmpty()) {
            throw invalid("its last line is cut off");
        }
        return new BackupManifest(created, dataDir, new ArrayList<>(files.values()));
    }

    private static FileEntry fileEntry(String line, int number) throws BackupProblem {
        String[] parts = line.split(" ", 4);
        if (parts.length != 4 || !parts[0].equals("file") || !parts[2].matches("[0-9a-f]{64}")) {
            throw invalid("line " + number + " is not 'file SIZE SHA-256 NAME'");
        }
        try {
            long size = Long.parseLong(parts[1]);
            if (size < 0) {
                throw new NumberFormatException(parts[1]);
            }
            return new FileEntry(parts[3], size, parts[2]);
        } catch (NumberFormatException e) {
            throw invalid("line " + number + ": size " + parts[1] + " is not a length");
        }
    }

    private static String value(String line, String key) throws BackupProblem {
        if (!line.startsWith(key)) {
            throw invalid("expected '" + key.trim() + "' in '" + line + "'");
        }
        return line.substring(key.length());
    }

    private static BackupProblem invalid(String why) {
        return new BackupProblem("the backup's manifest is not valid: " + why);
    }
}
