package org.liaison.provisioning;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses devices.csv ({@code mac,vendor,model,username,line}): every problem is collected with its
 * line number and a file with any problem is rejected whole. Whether the user exists is checked
 * when a phone asks, since users.csv changes on its own.
 */
final class DevicesCsv {
    static final List<String> HEADER = List.of("mac", "vendor", "model", "username", "line");
    private static final int MAC = 0;
    private static final int VENDOR = 1;
    private static final int MODEL = 2;
    private static final int USERNAME = 3;
    private static final int LINE = 4;

    private DevicesCsv() {
    }

    /** The devices by MAC address, in file order. */
    static Map<String, Device> parse(Path file, byte[] content) throws UsersFileException {
        Problems problems = new Problems(file.getFileName().toString());
        AdminCsv.Table table = AdminCsv.read(SourceText.decode(content, problems), problems, HEADER, "device");
        Map<String, Device> byMac = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (CsvRow row : table.rows()) {
            Optional<String> mac = Device.normalizeMac(row.cell(MAC));
            Optional<Device.Vendor> vendor = Device.Vendor.parse(row.cell(VENDOR));
            Optional<String> user = UserPart.normalize(row.cell(USERNAME));
            Optional<Integer> line = lineNumber(row.cell(LINE));
            if (mac.isEmpty()) {
                problems.add(row.line(), "mac: \"" + row.cell(MAC) + "\" is not a MAC address (12 hex digits)");
            } else if (firstLine.containsKey(mac.get())) {
                problems.add(row.line(), "mac: " + mac.get() + " is already on line " + firstLine.get(mac.get()));
            }
            if (vendor.isEmpty()) {
                problems.add(row.line(), "vendor: \"" + row.cell(VENDOR) + "\" is not yealink or grandstream");
            }
            if (user.isEmpty()) {
                problems.add(row.line(), "username: \"" + row.cell(USERNAME) + "\" is not a user name");
            }
            if (line.isEmpty()) {
                problems.add(row.line(), "line: \"" + row.cell(LINE) + "\" is not a line number (1-" + Device.MAX_LINE + ")");
            }
            if (mac.isPresent() && !firstLine.containsKey(mac.get()) && vendor.isPresent() && user.isPresent()
                    && line.isPresent()) {
                firstLine.put(mac.get(), row.line());
                byMac.put(mac.get(), new Device(mac.get(), vendor.get(), row.cell(MODEL).strip(), user.get(),
                        line.get()));
            } else if (mac.isPresent()) {
                firstLine.putIfAbsent(mac.get(), row.line());
            }
        }
        problems.throwIfAny();
        return byMac;
    }

    private static Optional<Integer> lineNumber(String text) {
        String t = text.strip();
        if (!t.matches("[0-9]{1,2}")) {
            return Optional.empty();
        }
        int n = Integer.parseInt(t);
        return n >= 1 && n <= Device.MAX_LINE ? Optional.of(n) : Optional.empty();
    }
}
