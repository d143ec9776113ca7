package org.liaison.provisioning.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.liaison.provisioning.client.ClientUrls;
import org.liaison.provisioning.files.FileInfoXml;
import org.liaison.provisioning.files.FileLookup;
import org.liaison.provisioning.files.FileStore;

/**
 * The answers of the file sharing paths: the file-info document for a kept upload, and a download
 * by link. A download needs no credentials: the 256-bit token is the capability, so any recipient
 * of the MESSAGE (a group's members too) can fetch it until its {@code until}.
 */
final class FileReplies {
    private final FileStore store;
    private final ClientUrls urls;

    FileReplies(FileStore store, ClientUrls urls) {
        this.store = store;
        this.urls = urls;
    }

    FileStore store() {
        return store;
    }

    /** 200 with the file-info document liblinphone sends on in its MESSAGE. */
    Reply uploaded(FileStore.Kept kept) {
        return Reply.ok(FileInfoXml.CONTENT_TYPE + "; charset=utf-8",
                FileInfoXml.render(kept.file(), urls.file(kept.token())), kept.file().owner());
    }

    /** {@code GET /files/TOKEN}: the file, 410 once its link expired, 404 for a link never issued. */
    Reply download(String token) {
        FileLookup lookup = store.find(token);
        if (lookup instanceof FileLookup.Found found) {
            // attachment + nosniff + sandbox: an uploaded HTML page must never run in this origin,
            // where browsers may hold the digest credentials of /config
            return Reply.file(found.content(), found.file().contentType(), List.of(
                    Map.entry("Content-Disposition", contentDisposition(found.file().name())),
                    Map.entry("X-Content-Type-Options", "nosniff"),
                    Map.entry("Content-Security-Policy", "sandbox")));
        }
        if (lookup instanceof FileLookup.Expired) {
            return Reply.error(410, "this file has expired", "-");
        }
        return Reply.error(404, "not found", "-");
    }

    /** RFC 6266: an ASCII fallback name, then the exact name in RFC 8187 encoding. */
    static String contentDisposition(String name) {
        String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
        String exact = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + exact;
    }
}
