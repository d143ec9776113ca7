package org.liaison.sip.backup;

import java.nio.file.Path;

/**
 * Names of data.dir's files inside an archive: {@code data/} and the path relative to data.dir, with '/' between
 * segments. Restore turns a name back into a path only through {@link #under}, which refuses anything that could
 * land outside the directory it is given (an absolute name, '..', an empty or '.' segment, a NUL, a backslash) or
 * that a manifest line could not hold (a line break).
 */
final class ArchivePaths {
    static final String DATA_PREFIX = "data/";

    private ArchivePaths() {
    }

    /** The archive name of {@code relative} (a path inside data.dir); refused if restore would refuse it. */
    static String nameOf(Path relative) throws BackupProblem {
        StringBuilder name = new StringBuilder(DATA_PREFIX);
        for (int i = 0; i < relative.getNameCount(); i++) {
            name.append(i == 0 ? "" : "/").append(relative.getName(i));
        }
        String archived = name.toString();
        check(archived);
        return archived;
    }

    /**
     * Where the file named {@code name} goes under {@code directory}; a {@link BackupProblem} if it is no data file's
     * name.
     */
    static Path under(Path directory, String name) throws BackupProblem {
        check(name);
        Path root = directory.toAbsolutePath().normalize();
        Path target = root.resolve(name.substring(DATA_PREFIX.length())).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw refused(name, "it would be written outside the data directory");
        }
        return target;
    }

    /** Refuses {@code name} unless it is a data file's name that stays inside any directory it is resolved against. */
    static void check(String name) throws BackupProblem {
        if (!name.startsWith(DATA_PREFIX) || name.length() == DATA_PREFIX.length()) {
            throw refused(name, "not under " + DATA_PREFIX);
        }
        for (String segment : name.substring(DATA_PREFIX.length()).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw refused(name, "it has an empty, '.' or '..' segment");
            }
        }
        for (char c : name.toCharArray()) {
            if (c < 0x20 || c == 0x7f || c == '\\') {
                throw refused(name, "it holds a control character or a backslash");
            }
        }
    }

    private static BackupProblem refused(String name, String why) {
        return new BackupProblem("refusing the file name '" + name.replaceAll("\\p{Cntrl}", "?") + "': " + why);
    }
}
