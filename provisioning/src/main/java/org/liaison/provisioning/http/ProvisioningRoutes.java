package org.liaison.provisioning.http;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.client.ClientUrls;
import org.liaison.provisioning.client.LinphoneXml;
import org.liaison.provisioning.enrolment.EnrolmentTokenStore;
import org.liaison.provisioning.enrolment.Redemption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the answer to each fetch, top to bottom: blocked source → method → path. Every fetch is
 * logged once with its source, user, path and status; an enrolment or file token never appears in
 * the log. Uploads ({@code POST /files}) are streamed by {@link FileUploadHandler}, which asks
 * {@link #uploader} who signed them and {@link #settle}s its answers here.
 */
final class ProvisioningRoutes {
    private static final Logger log = LoggerFactory.getLogger(ProvisioningRoutes.class);
    static final String LPCONFIG_XML = "application/xml; charset=utf-8";

    private final Supplier<AccountSnapshot> accounts;
    private final EnrolmentTokenStore tokens;
    private final LinphoneXml linphone;
    private final DirectoryReplies directory;
    private final DeskPhoneReplies deskPhones;
    private final HttpDigest digest;
    private final FailedFetchLimiter limiter;
    private final Optional<String> caPem;
    private final FileReplies files;
    private final ProvisioningCounters counters = new ProvisioningCounters();

    ProvisioningRoutes(Supplier<AccountSnapshot> accounts, EnrolmentTokenStore tokens, LinphoneXml linphone,
            DirectoryReplies directory, DeskPhoneReplies deskPhones, HttpDigest digest, FailedFetchLimiter limiter,
            Optional<String> caPem, FileReplies files) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.linphone = linphone;
        this.directory = directory;
        this.deskPhones = deskPhones;
        this.digest = digest;
        this.limiter = limiter;
        this.caPem = caPem;
        this.files = files;
    }

    Reply answer(Fetch fetch) {
        return settle(fetch, decide(fetch));
    }

    ProvisioningCounters counters() {
        return counters;
    }

    FileReplies files() {
        return files;
    }

    /** Counts a failed {@code reply} against the source and logs the fetch once; returns {@code reply}. */
    Reply settle(Fetch fetch, Reply reply) {
        counters.answered(reply.status());
        if (reply.isFailure()) {
            limiter.recordFailure(fetch.source());
        }
        log.info("fetch {} user {} {} {} -> {}", fetch.source().getHostAddress(), reply.user(), fetch.method(),
                loggable(fetch.path()), reply.status());
        return reply;
    }

    /** Who signed {@code fetch}, or the answer refusing it: 429 for a blocked source, else a challenge. */
    sealed interface Signature {
        record By(Account account) implements Signature {
        }

        record Refused(Reply reply) implements Signature {
        }
    }

    /** The signature of an upload's head, checked before a byte of its body is read. */
    Signature uploader(Fetch fetch) {
        if (limiter.isBlocked(fetch.source())) {
            return new Signature.Refused(tooMany());
        }
        return signature(fetch);
    }

    private Reply decide(Fetch fetch) {
        if (limiter.isBlocked(fetch.source())) {
            return tooMany();
        }
        if (!fetch.method().equals("GET")) { // not even HEAD: it would spend an enrolment token for nothing
            return Reply.error(405, "only GET", "-");
        }
        String path = fetch.path();
        if (path.startsWith(ClientUrls.FILES_PREFIX)) {
            return files.download(path.substring(ClientUrls.FILES_PREFIX.length()));
        }
        if (path.startsWith(ClientUrls.ENROL_PREFIX)) {
            return enrol(path.substring(ClientUrls.ENROL_PREFIX.length()));
        }
        if (path.startsWith(ClientUrls.CONFIG_PREFIX)) {
            return refresh(fetch, path.substring(ClientUrls.CONFIG_PREFIX.length()));
        }
        if (DirectoryReplies.serves(path)) {
            return signed(fetch, account -> directory.answer(fetch, account.username()));
        }
        if (DeskPhoneReplies.serves(path)) {
            return signed(fetch, account -> deskPhones.answer(path, account));
        }
        if (path.equals(ClientUrls.CA_CERTIFICATE) && caPem.isPresent()) {
            return Reply.ok("application/x-pem-file", caPem.get(), "-");
        }
        return Reply.error(404, "not found", "-");
    }

    /** First enrolment: a good token is spent and returns the user's configuration. */
    private Reply enrol(String token) {
        Redemption redemption;
        try {
            redemption = tokens.redeem(token);
        } catch (IOException e) {
            log.error("cannot read or write the enrolment tokens: {}", e.toString());
            return Reply.error(503, "try again later", "-");
        }
        if (redemption instanceof Redemption.Accepted accepted) {
            counters.enrolled();
            return accounts.get().byUsername(accepted.username())
                    .map(a -> Reply.ok(LPCONFIG_XML, linphone.render(a), a.username()))
                    .orElseGet(() -> Reply.error(410, "this account no longer exists", accepted.username()));
        }
        if (redemption instanceof Redemption.Used used) {
            return Reply.error(410, "this link was already used; ask for a new one", used.username());
        }
        if (redemption instanceof Redemption.Replaced replaced) {
            return Reply.error(410, "a newer link was issued for this account; use that one", replaced.username());
        }
        if (redemption instanceof Redemption.Expired expired) {
            return Reply.error(410, "this link has expired; ask for a new one", expired.username());
        }
        return Reply.error(404, "not found", "-");
    }

    /** Linphone's refetch of its config-uri, signed with the user's own SIP credentials. */
    private Reply refresh(Fetch fetch, String username) {
        return signed(fetch, account -> account.username().equalsIgnoreCase(username)
                ? Reply.ok(LPCONFIG_XML, linphone.render(account), account.username())
                : Reply.error(403, "a user may fetch only their own configuration", account.username()));
    }

    /** {@code then} for the account whose credentials signed the request; the refusal otherwise. */
    private Reply signed(Fetch fetch, Function<Account, Reply> then) {
        Signature signature = signature(fetch);
        return signature instanceof Signature.By by ? then.apply(by.account())
                : ((Signature.Refused) signature).reply();
    }

    /**
     * The account whose credentials signed the request; a 401 challenge otherwise. A source refused
     * for the user it signs as gets 429 before its password is checked (RFC 7616 §5.7).
     */
    private Signature signature(Fetch fetch) {
        if (fetch.authorization() == null) {
            // the first, unsigned request is no failure
            return new Signature.Refused(Reply.challenge(digest.challenges(false)));
        }
        Optional<String> claimed = DigestParams.parse(fetch.authorization()).map(p -> p.getOrDefault("username", ""));
        if (claimed.isPresent() && limiter.isBlocked(fetch.source(), claimed.get())) {
            return new Signature.Refused(tooMany());
        }
        DigestVerdict verdict = digest.verify(fetch.authorization(), fetch.method(), fetch.target());
        if (verdict instanceof DigestVerdict.Signed signed) {
            limiter.recordSuccess(fetch.source(), signed.account().username());
            return new Signature.By(signed.account());
        }
        if (verdict instanceof DigestVerdict.Stale) {
            return new Signature.Refused(Reply.challenge(digest.challenges(true)));
        }
        limiter.recordPasswordFailure(fetch.source(), ((DigestVerdict.Refused) verdict).username());
        return new Signature.Refused(Reply.challenge(digest.challenges(false)));
    }

    private static Reply tooMany() {
        return Reply.error(429, "too many failed requests; try again later", "-");
    }

    /** The path as it may be logged: an enrolment token is a password until spent, so it is cut. */
    private static String loggable(String path) {
        if (path.startsWith(ClientUrls.FILES_PREFIX)) {
            return ClientUrls.FILES_PREFIX + "…"; // a download link is a capability too
        }
        return path.startsWith(ClientUrls.ENROL_PREFIX) ? ClientUrls.ENROL_PREFIX + "…" : path;
    }
}
