package org.liaison.provisioning;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desk phones of devices.csv, as of its last valid version. The file is checked when a phone
 * asks (one stat per request), so an edit applies to the next fetch without a poller; a broken
 * edit is logged once, problem by problem, and the previous list keeps serving. A missing file
 * means no desk phones.
 */
public final class DeskPhones {
    private static final Logger log = LoggerFactory.getLogger(DeskPhones.class);

    private final PolledFile file;
    private Map<String, Device> byMac;
    /** SHA-256 of the content being served, and of the last content rejected. */
    private String appliedDigest = "";
    private String rejectedDigest = "";

    private DeskPhones(PolledFile file, Map<String, Device> byMac) {
        this.file = file;
        this.byMac = byMac;
    }

    /**
     * Reads {@code file} now.
     *
     * @throws UsersFileException when it exists but is invalid: a server must not start serving
     *                            phones from a list the admin got wrong
     */
    public static DeskPhones open(Path file) throws UsersFileException {
        DeskPhones phones = new DeskPhones(new PolledFile(file), Map.of());
        try {
            PolledFile.Content content = phones.file.read();
            phones.byMac = DevicesCsv.parse(file, content.bytes());
            phones.appliedDigest = content.sha256();
        } catch (NoSuchFileException e) {
            return phones;
        } catch (IOException e) {
            throw UsersFile.unreadable(file, e);
        }
        log.info("Loaded {} desk phones from {}", phones.byMac.size(), file);
        return phones;
    }

    /** The phone with MAC address {@code mac} (any usual spelling), after applying a changed file. */
    public synchronized Optional<Device> byMac(String mac) {
        if (file.mayHaveChanged()) {
            reload();
        }
        return Device.normalizeMac(mac).map(byMac::get);
    }

    private void reload() {
        PolledFile.Content content;
        try {
            content = file.read();
        } catch (NoSuchFileException e) {
            applyIfNew(Map.of(), "");
            return;
        } catch (IOException e) {
            log.warn("Cannot read {} ({}); still serving its last valid version", file.path(), e.toString());
            return;
        }
        if (content.sha256().equals(appliedDigest) || content.sha256().equals(rejectedDigest)) {
            return;
        }
        try {
            applyIfNew(DevicesCsv.parse(file.path(), content.bytes()), content.sha256());
        } catch (UsersFileException e) {
            rejectedDigest = content.sha256();
            e.problems().forEach(p -> log.warn("Not applying the change to {}, still serving its last valid version: {}",
                    file.path(), p));
        }
    }

    private void applyIfNew(Map<String, Device> next, String digest) {
        if (!digest.equals(appliedDigest)) {
            byMac = next;
            appliedDigest = digest;
            log.info("Reloaded {}: {} desk phones", file.path(), next.size());
        }
    }
}
