package org.liaison.sip.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ListIterator;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import org.liaison.sip.message.LocalAddresses;

/**
 * Loop detection of RFC 3261 §16.3 step 4 and §16.6 step 8: our branch parameters start with a hash
 * of the fields that identify the request as received; the same request coming back with our Via and
 * that hash is a loop (482), while a spiral (a changed Request-URI) has a different hash.
 */
public final class LoopDetector {
    /** Every branch we create starts with this, after the RFC 3261 magic cookie. */
    public static final String BRANCH_MARK = "z9hG4bK-lia";
    /** What follows the prefix in the branch of a request relayed without a transaction. */
    private static final char STATELESS = 's';
    /** {@link #BRANCH_MARK}, 12 hex digits of the hash, and a dot. */
    private static final int PREFIX_LENGTH = BRANCH_MARK.length() + 13;
    /** One SHA-256 per thread: a provider lookup per forwarded request cost as much as the hash (issue 12). */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(LoopDetector::sha256);

    private final LocalAddresses local;

    public LoopDetector(LocalAddresses local) {
        this.local = local;
    }

    /**
     * The branch of a copy of {@code request} relayed without a transaction (RFC 3261 §16.11): derived from the
     * incoming branch, so that each retransmission leaves as the same transaction.
     */
    public static String statelessBranch(Request request) {
        ViaHeader incoming = (ViaHeader) request.getHeader(ViaHeader.NAME);
        String branch = incoming == null ? null : incoming.getBranch();
        return branchPrefix(request) + STATELESS + Integer.toHexString(branch == null ? 0 : branch.hashCode());
    }

    /** Whether {@code branch} is one {@link #statelessBranch} made: no transaction of ours waits for its responses. */
    public static boolean isStatelessBranch(String branch) {
        return branch != null && branch.length() > PREFIX_LENGTH && branch.startsWith(BRANCH_MARK)
                && branch.charAt(PREFIX_LENGTH) == STATELESS;
    }

    /** The branch prefix for requests forwarded from {@code request}; add a unique suffix per branch. */
    public static String branchPrefix(Request request) {
        StringBuilder key = new StringBuilder(request.getRequestURI().toString());
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        CallIdHeader callId = (CallIdHeader) request.getHeader(CallIdHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        key.append('|').append(from == null ? "" : from.getTag())
                .append('|').append(callId == null ? "" : callId.getCallId())
                .append('|').append(cseq == null ? "" : Long.toString(cseq.getSeqNumber()));
        byte[] hash = SHA_256.get().digest(key.toString().getBytes(StandardCharsets.UTF_8));
        return BRANCH_MARK + HexFormat.of().formatHex(hash, 0, 6) + ".";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /** True when we already forwarded this very request (our Via with the same branch prefix). */
    public boolean isLoop(Request request) {
        String prefix = branchPrefix(request);
        ListIterator<?> vias = request.getHeaders(ViaHeader.NAME);
        while (vias.hasNext()) {
            ViaHeader via = (ViaHeader) vias.next();
            String branch = via.getBranch();
            if (branch != null && branch.startsWith(prefix) && isOurs(via)) {
                return true;
            }
        }
        return false;
    }

    private boolean isOurs(ViaHeader via) {
        for (LocalAddresses.Listener l : local.listeners()) {
            if (l.address().getHostAddress().equalsIgnoreCase(LocalAddresses.normalizeHost(via.getHost()))
                    && (via.getPort() == l.port() || via.getPort() == -1 && l.port() == 5060)) {
                return true;
            }
        }
        return false;
    }
}
