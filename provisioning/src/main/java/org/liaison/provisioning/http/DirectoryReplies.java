package org.liaison.provisioning.http;

import java.util.List;
import java.util.Optional;
import org.liaison.provisioning.client.ClientUrls;
import org.liaison.provisioning.directory.CiscoDirectory;
import org.liaison.provisioning.directory.CurrentDirectory;
import org.liaison.provisioning.directory.DirectoryEntry;
import org.liaison.provisioning.directory.VCardList;
import org.liaison.provisioning.directory.YealinkPhonebook;

/**
 * The directory in the format each client reads, as the signed-in user may see it, filtered by
 * the {@code q} search parameter.
 */
final class DirectoryReplies {
    private static final String CISCO_TITLE = "Directory";

    private final CurrentDirectory directory;
    private final ClientUrls urls;

    DirectoryReplies(CurrentDirectory directory, ClientUrls urls) {
        this.directory = directory;
        this.urls = urls;
    }

    static boolean serves(String path) {
        return path.equals(ClientUrls.DIRECTORY_VCARDS) || path.equals(ClientUrls.YEALINK_DIRECTORY)
                || path.equals(ClientUrls.CISCO_DIRECTORY);
    }

    /** The directory {@code user} may see, in the format of the path {@link #serves served}. */
    Reply answer(Fetch fetch, String user) {
        String path = fetch.path();
        Optional<String> query = fetch.parameter("q");
        List<DirectoryEntry> entries = query.map(q -> directory.get().visibleTo(user).search(q))
                .orElseGet(() -> directory.get().visibleTo(user)).entries();
        if (path.equals(ClientUrls.DIRECTORY_VCARDS)) {
            return Reply.ok("text/vcard; charset=utf-8", VCardList.render(entries), user);
        }
        if (path.equals(ClientUrls.YEALINK_DIRECTORY)) {
            return Reply.ok("application/xml; charset=utf-8", YealinkPhonebook.render(entries), user);
        }
        int page = fetch.parameter("page").filter(p -> p.matches("[0-9]{1,6}")).map(Integer::parseInt).orElse(1);
        if (page < 1 || page > CiscoDirectory.pageCount(entries)) {
            return Reply.error(404, "no such page", user);
        }
        String body = CiscoDirectory.page(entries, page, CISCO_TITLE, n -> urls.ciscoDirectoryPage(n, query));
        return Reply.ok("text/xml; charset=utf-8", body, user);
    }
}
