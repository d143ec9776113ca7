package org.liaison.provisioning;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects what is wrong with one users file, so that a file with ten mistakes is reported as
 * ten mistakes rather than one at a time.
 */
final class Problems {
    /** Problems with the file as a whole sort before those on a line. */
    private static final int WHOLE_FILE = 0;

    private record Problem(int line, String what) {
    }

    private final String fileName;
    private final List<Problem> found = new ArrayList<>();

    Problems(String fileName) {
        this.fileName = fileName;
    }

    /** Records a problem on physical line {@code line} (1-based). */
    void add(int line, String what) {
        found.add(new Problem(line, what));
    }

    /** How many problems have been found so far. */
    int count() {
        return found.size();
    }

    /** An exception holding everything found so far plus this problem, which ends parsing. */
    UsersFileException fatal(int line, String what) {
        add(line, what);
        return exception(null);
    }

    /** An exception for a problem with the file as a whole. */
    UsersFileException fatalForFile(String what, Throwable cause) {
        add(WHOLE_FILE, what);
        return exception(cause);
    }

    void throwIfAny() throws UsersFileException {
        if (!found.isEmpty()) {
            throw exception(null);
        }
    }

    private UsersFileException exception(Throwable cause) {
        List<Problem> byLine = new ArrayList<>(found);
        byLine.sort(Comparator.comparingInt(Problem::line)); // stable: a line's problems keep column order
        return new UsersFileException(byLine.stream().map(this::format).toList(), cause);
    }

    private String format(Problem p) {
        return p.line() == WHOLE_FILE ? fileName + ": " + p.what() : fileName + ":" + p.line() + ": " + p.what();
    }
}
