package org.liaison.provisioning.admin;

import java.io.PrintStream;
import java.nio.file.Path;
import org.liaison.provisioning.admin.HrExport.LineProblem;

/** What an import prints for the admin: counts first, then each error and conflict with its line. */
final class ImportReport {
    private ImportReport() {
    }

    static void print(PrintStream out, Path export, UsersImport plan) {
        out.printf("import of %s: %d new, %d unchanged, %d conflicts, %d errors%n", export, plan.created().size(),
                plan.unchanged().size(), plan.conflicts().size(), plan.errors().size());
        for (LineProblem error : plan.errors()) {
            out.println("error: " + error);
        }
        for (LineProblem conflict : plan.conflicts()) {
            out.println("conflict: " + conflict);
        }
    }

    static void printWritten(PrintStream out, Path usersFile, Path credentials, UsersImport plan) {
        if (plan.created().isEmpty()) {
            out.println("no new users: " + usersFile + " unchanged");
            return;
        }
        out.printf("created %d users in %s%n", plan.created().size(), usersFile);
        out.println("their passwords are in " + credentials + " (readable by you only): onboarding links make them"
                + " unnecessary; delete the file once every phone is set up");
    }
}
