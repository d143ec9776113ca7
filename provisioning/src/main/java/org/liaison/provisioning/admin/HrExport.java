package org.liaison.provisioning.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.liaison.provisioning.UserPart;
import org.liaison.provisioning.admin.HrColumns.Field;

/**
 * An HR export read as users: each row checked on its own (username present or derivable,
 * extension digits, groups valid), problems kept with their line. Comma- or semicolon-separated
 * (spreadsheets in many locales write ';'), RFC 4180 quoting, a byte-order mark ignored.
 */
final class HrExport {
    /** A problem on one line of the export. */
    record LineProblem(int line, String what) {
        @Override
        public String toString() {
            return "line " + line + ": " + what;
        }
    }

    /** The rows that passed their own checks, and the problems of the others. */
    record Rows(List<ImportedRow> rows, List<LineProblem> problems) {
    }

    /** The export cannot be read at all: no header, a named column missing, broken quoting. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private final HrColumns columns;
    private final List<LineProblem> problems = new ArrayList<>();

    private HrExport(HrColumns columns) {
        this.columns = columns;
    }

    static Rows read(String text, Map<Field, String> chosenColumns) throws Unreadable {
        String body = text.startsWith(BYTE_ORDER_MARK) ? text.substring(1) : text;
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setDelimiter(delimiterOf(body))
                .setIgnoreEmptyLines(true)
                .get();
        List<ImportedRow> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(body, format)) {
            List<CSVRecord> records = parser.getRecords();
            if (records.isEmpty()) {
                throw new Unreadable("is empty; the first line must name the columns");
            }
            HrColumns columns = new HrColumns(records.get(0).toList(), chosenColumns);
            Optional<String> missing = columns.missingChoice();
            if (missing.isPresent()) {
                throw new Unreadable("has no column named " + missing.get());
            }
            if (columns.column(Field.USERNAME).isEmpty() && columns.column(Field.EMAIL).isEmpty()) {
                throw new Unreadable("has neither a username nor an e-mail column; name one with "
                        + "--username-column or --email-column");
            }
            HrExport export = new HrExport(columns);
            int[] lineStarts = lineStarts(body);
            for (CSVRecord record : records.subList(1, records.size())) {
                int line = lineOf(lineStarts, body, Math.toIntExact(record.getCharacterPosition()));
                export.read(line, record.toList()).ifPresent(rows::add);
            }
            return new Rows(rows, export.problems);
        } catch (UncheckedIOException e) {
            throw new Unreadable("has broken quoting: a quoted cell is never closed, or text follows its closing quote");
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
    }

    private Optional<ImportedRow> read(int line, List<String> cells) {
        if (cells.stream().allMatch(String::isBlank)) {
            return Optional.empty();
        }
        int problemsBefore = problems.size();
        Optional<String> username = username(line, cells);
        String name = displayName(cells);
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            problems.add(new LineProblem(line, "the name must not contain line breaks or other control characters"));
        }
        Optional<String> extension = extension(line, cells);
        Set<String> groups = groups(line, cells);
        if (problems.size() > problemsBefore) {
            return Optional.empty();
        }
        return Optional.of(new ImportedRow(line, username.orElseThrow(), name, extension, groups));
    }

    private Optional<String> username(int line, List<String> cells) {
        String given = cell(cells, Field.USERNAME);
        if (!given.isEmpty()) {
            Optional<String> username = UserPart.normalize(given);
            if (username.isEmpty()) {
                problems.add(new LineProblem(line, "username \"" + given + "\" is not " + UserPart.RULE));
            }
            return username;
        }
        String email = cell(cells, Field.EMAIL);
        if (email.isEmpty()) {
            problems.add(new LineProblem(line, "no username, and no e-mail address to derive one from"));
            return Optional.empty();
        }
        Optional<String> derived = Names.usernameFromEmail(email);
        if (derived.isEmpty()) {
            problems.add(new LineProblem(line, "no username can be derived from the e-mail address \"" + email + "\""));
        }
        return derived;
    }

    private String displayName(List<String> cells) {
        String name = cell(cells, Field.NAME);
        if (!name.isEmpty() || columns.column(Field.NAME).isPresent()) {
            return name;
        }
        return (cell(cells, Field.FIRST_NAME) + " " + cell(cells, Field.LAST_NAME)).strip();
    }

    private Optional<String> extension(int line, List<String> cells) {
        String given = cell(cells, Field.EXTENSION);
        if (given.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> extension = UserPart.extension(given);
        if (extension.isEmpty()) {
            problems.add(new LineProblem(line, "extension \"" + given + "\" is not " + UserPart.EXTENSION_RULE));
        }
        return extension;
    }

    /** Groups separated by ';', ',' or '|'; department names become group ids ("Sales & Marketing": sales-marketing). */
    private Set<String> groups(int line, List<String> cells) {
        Set<String> groups = new LinkedHashSet<>();
        for (String entry : cell(cells, Field.GROUPS).split("[;,|]")) {
            if (entry.isBlank()) {
                continue;
            }
            Optional<String> group = Names.groupFromDepartment(entry);
            if (group.isEmpty()) {
                problems.add(new LineProblem(line, "no group name can be made of \"" + entry.strip() + "\""));
            }
            group.ifPresent(groups::add);
        }
        return groups;
    }

    private String cell(List<String> cells, Field field) {
        OptionalInt column = columns.column(field);
        return column.isPresent() && column.getAsInt() < cells.size() ? cells.get(column.getAsInt()).strip() : "";
    }

    /** ';' when the header line has more semicolons than commas: what spreadsheets write where ',' is the decimal mark. */
    private static char delimiterOf(String body) {
        int end = body.indexOf('\n');
        String header = end < 0 ? body : body.substring(0, end);
        long semicolons = header.chars().filter(c -> c == ';').count();
        long commas = header.chars().filter(c -> c == ',').count();
        return semicolons > commas ? ';' : ',';
    }

    private static int[] lineStarts(String body) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= body.length() || body.charAt(i + 1) != '\n'))) {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Commons CSV places a record at the end of the previous one: skip the line breaks first. */
    private static int lineOf(int[] lineStarts, String body, int position) {
        int at = position;
        while (at < body.length() && (body.charAt(at) == '\r' || body.charAt(at) == '\n')) {
            at++;
        }
        int found = Arrays.binarySearch(lineStarts, at);
        return found >= 0 ? found + 1 : -found - 1;
    }
}
