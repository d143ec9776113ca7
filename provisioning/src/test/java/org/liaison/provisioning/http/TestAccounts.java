package org.liaison.provisioning.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.UsersFile;

/**
 * The accounts of a small users.csv: alice (1001, staff), bob (1002, staff) and carol (1003,
 * board) of {@link #DOMAIN}; each one's password is their name + "-pw".
 */
public final class TestAccounts {
    public static final String DOMAIN = "example.org";

    private TestAccounts() {
    }

    public static String password(String user) {
        return user + "-pw";
    }

    public static AccountSnapshot load(Path dir) throws Exception {
        Path file = dir.resolve("users.csv");
        Files.writeString(file, "username,password,display_name,extension,groups\n"
                + "alice,clrtxt:alice-pw,Alice Martin,1001,staff\n"
                + "bob,clrtxt:bob-pw,\"Bob \"\"Bobby\"\" Durand\",1002,staff\n"
                + "carol,clrtxt:carol-pw,Carol Hélène,1003,board\n", StandardCharsets.UTF_8);
        return UsersFile.load(file, DOMAIN);
    }
}
