package org.liaison.provisioning;

import java.util.List;

/**
 * A users file that cannot be used as it is. Carries every problem found, each located as
 * {@code users.csv:<line>: <what is wrong>} (or {@code users.csv: <what is wrong>} when the
 * problem is the file as a whole), so an admin can fix them all in one pass. Problems name the
 * column and the rule, never the rejected value: a misplaced cell may hold a password.
 */
public final class UsersFileException extends Exception {
    private final List<String> problems;

    UsersFileException(List<String> problems, Throwable cause) {
        super(String.join("\n", problems), cause);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a users file exception needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    UsersFileException(List<String> problems) {
        this(problems, null);
    }

    /** Every problem, ordered by line. */
    public List<String> problems() {
        return problems;
    }
}
