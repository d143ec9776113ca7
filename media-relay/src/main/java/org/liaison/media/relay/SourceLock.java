package org.liaison.media.relay;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which source a relay port accepts packets from, and where packets for that endpoint go: the
 * defence against RTP Bleed (CVE-2017-14099), where anyone who sends to a relay port first takes
 * the stream over.
 *
 * <p>The rule, for one endpoint of one stream (RTP and RTCP each have their own):
 * <ol>
 *   <li>The SDP names the expected address and port; the SIP side may add the IP address the
 *       offer or answer was <em>signalled from</em> (the request's or response's source; ng's
 *       {@code received-from}). Before any packet arrives, packets for the endpoint go to the SDP
 *       address and port, unless it is private (see 3) or unspecified ({@code 0.0.0.0}).</li>
 *   <li>The first packet whose source IP equals the SDP address or the signalled-from address
 *       (any port: NAT rewrites ports) locks the endpoint to that exact source, whenever it comes.
 *       Packets from any other source are dropped as {@code wrong-source} and change nothing: a
 *       stranger spraying the relay's ports can neither open nor spend the learning window.</li>
 *   <li>If the SDP address is private (RFC 1918, RFC 6598 shared, link-local, IPv6 unique-local:
 *       a phone behind NAT that does not know its public address) or unspecified, only the
 *       signalled-from IP can lock the endpoint.</li>
 *   <li>Only when the SDP address is private and no signalled-from address is known (an ng caller
 *       without {@code received-from}), the first source at all locks the endpoint. Such an
 *       unverified lock is counted and logged: a stranger sending first wins it.</li>
 *   <li>A source the relay may not send to ({@link MediaDestinations}) never locks: the relay
 *       would send the other side's media back to it.</li>
 *   <li>Once locked, only that exact source (address and port) is accepted and packets go back to
 *       it; everything else is dropped as {@code wrong-source} and can never move the lock.</li>
 *   <li>The <em>learning window</em> ({@code relay.learning-seconds}) opens when the call is
 *       answered (the SDP answer reaches the relay: both phones then send), never at a packet. If
 *       it closes without a lock, an endpoint with a public SDP address locks to that address and
 *       port exactly; one with a private or unspecified SDP address and a signalled-from address
 *       keeps waiting for that address (locking onto an address behind a NAT would silence the
 *       phone for the rest of the call); one under rule 4 locks to its SDP endpoint.</li>
 *   <li>New SDP for the endpoint (re-INVITE) keeps the lock when it names the same address, or
 *       only puts it on hold ({@code 0.0.0.0}: nothing is sent to it); a different address, or
 *       another device answering a forked call, starts over at 1.</li>
 * </ol>
 * Not thread-safe: used on the stream's event loop only.
 */
final class SourceLock {
    private static final Logger log = LoggerFactory.getLogger(SourceLock.class);

    private final LearningRule rule;
    private InetSocketAddress expected;
    private Optional<InetAddress> signalledFrom = Optional.empty();
    private boolean onHold;
    private boolean expectedPrivate;
    private long windowStart;
    private boolean windowOpen;
    private InetSocketAddress locked;

    /** {@code rule}: the window, the counter of locks taken by rule 4, where media may go. */
    SourceLock(LearningRule rule) {
        this.rule = rule;
    }

    /**
     * The endpoint the SDP gives (its address {@code 0.0.0.0}/{@code ::} for hold) and where that
     * SDP was signalled from, if known; see rule 8.
     */
    void expect(InetSocketAddress sdpEndpoint, Optional<InetAddress> signalledFrom, boolean relearn) {
        boolean hold = sdpEndpoint.getAddress().isAnyLocalAddress();
        onHold = hold;
        this.signalledFrom = signalledFrom;
        if (hold && !relearn) {
            return;
        }
        if (relearn || expected == null || !expected.getAddress().equals(sdpEndpoint.getAddress())) {
            locked = null;
            windowOpen = false;
        }
        expected = sdpEndpoint;
        expectedPrivate = isPrivate(sdpEndpoint.getAddress());
    }

    /** The call was answered at {@code nowNanos}: the learning window opens unless it is open (rule 7). */
    void openWindow(long nowNanos) {
        if (locked == null && expected != null && !windowOpen) {
            windowOpen = true;
            windowStart = nowNanos;
        }
    }

    /** Whether a packet from {@code source} received at {@code nowNanos} may be forwarded. */
    boolean admit(InetSocketAddress source, long nowNanos) {
        if (locked != null) {
            return locked.equals(source);
        }
        if (expected == null) {
            return false;
        }
        boolean unverified = expectedPrivate && signalledFrom.isEmpty();
        if (windowOpen && nowNanos - windowStart > rule.windowNanos() && (sdpUsable() || unverified)) {
            locked = expected; // rule 7
            return locked.equals(source);
        }
        boolean candidate = unverified || isExpectedSource(source.getAddress());
        if (!candidate || !rule.destinations().allows(source)) {
            return false; // rules 2, 3 and 5: nothing changes
        }
        locked = source;
        if (unverified) {
            rule.unverifiedLocks().increment();
            log.warn("media relay: endpoint with private SDP address {} locked onto the first source {}, "
                    + "unchecked: no signalled-from address (an ng caller without received-from)",
                    expected.getAddress().getHostAddress(), source);
        }
        return true;
    }

    /** Rules 2 and 3: a private or unspecified SDP address is no evidence, the signalling source is. */
    private boolean isExpectedSource(InetAddress source) {
        return (sdpUsable() && expected.getAddress().equals(source))
                || (signalledFrom.isPresent() && signalledFrom.get().equals(source));
    }

    /** Whether the SDP address says where the phone is: neither private nor unspecified. */
    private boolean sdpUsable() {
        return !expectedPrivate && !expected.getAddress().isAnyLocalAddress();
    }

    /** Where packets for this endpoint go now, or null: nothing known yet, or on hold. */
    InetSocketAddress destination() {
        if (onHold) {
            return null;
        }
        if (locked != null) {
            return locked;
        }
        return expected == null || expectedPrivate || expected.getPort() == 0 ? null : expected;
    }

    /** Forgets the endpoint: its device left the call (a fork's delete). */
    void clear() {
        expected = null;
        signalledFrom = Optional.empty();
        locked = null;
        windowOpen = false;
        onHold = false;
    }

    /** Addresses a device behind NAT puts in SDP that the relay cannot reach from outside. */
    static boolean isPrivate(InetAddress address) {
        if (address.isSiteLocalAddress() || address.isLinkLocalAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64.0.0/10, RFC 6598 carrier-grade NAT
        }
        return (b[0] & 0xfe) == 0xfc; // fc00::/7, RFC 4193 unique local
    }
}
