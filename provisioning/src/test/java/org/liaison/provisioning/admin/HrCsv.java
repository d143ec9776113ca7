package org.liaison.provisioning.admin;

/**
 * A generated HR export of 1,000 people, as an HR tool writes it: login (blank for every third
 * person, whose username comes from the e-mail), e-mail, first and last name, extension and
 * department. Optionally with 40 bad rows: 10 bad extensions, 10 repeated logins, 10 with neither
 * login nor e-mail, 10 repeated extensions. Row {@code i} is on line {@code i + 2}.
 * Rows 0 and 1 are alice (as users.csv has her) and bob (with another name than users.csv's).
 */
final class HrCsv {
    static final int ROWS = 1000;
    static final String EXISTING_USERS = "username,password,display_name,extension,groups\n"
            + "alice,clrtxt:a,Alice Example,1001,sales-marketing\n"
            + "bob,clrtxt:b,Bob Example,1002,\n";
    private static final String[] DEPARTMENTS = {"Sales & Marketing", "R&D", "Direction générale"};

    private HrCsv() {
    }

    static String generate(boolean withBadRows) {
        StringBuilder csv = new StringBuilder("Login,E-mail,First Name,Last Name,Extension,Department\n");
        csv.append("alice,alice@example.org,Alice,Example,1001,Sales & Marketing\n");
        csv.append("bob,bob@example.org,Robert,Example,1002,\n");
        for (int i = 2; i < ROWS; i++) {
            String login = i % 3 == 0 ? "" : "user" + i;
            String email = "Zoë.Person" + i + "@example.org";
            String extension = String.valueOf(3000 + i);
            if (withBadRows && i % 100 == 7) {
                extension = "12a";
            } else if (withBadRows && i % 100 == 50) {
                login = usernameOf(i - 1);
            } else if (withBadRows && i % 100 == 90) {
                login = "";
                email = "";
            } else if (withBadRows && i % 100 == 95) {
                extension = String.valueOf(3000 + i - 1);
            }
            csv.append(login).append(',').append(email).append(",Zoë,\"Person, ").append(i).append("\",")
                    .append(extension).append(",\"").append(DEPARTMENTS[i % DEPARTMENTS.length]).append("\"\n");
        }
        return csv.toString();
    }

    /** The username row {@code i} gets: its login, or the e-mail's local part folded. */
    static String usernameOf(int i) {
        return i % 3 == 0 ? "zoe.person" + i : "user" + i;
    }
}
