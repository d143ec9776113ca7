package org.liaison.sip.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;

/**
 * The token in our Record-Route ({@code ;ltok=<expiry>.<caller address>.<mac>}): it binds the dialog
 * we set up for an authenticated caller, statelessly (it survives a restart, and a cluster sharing the
 * key). The MAC covers the Call-ID, the caller's From tag, the caller's From URI, the callee's To URI,
 * the address the caller's request came from and the expiry, so a token seen once opens no other
 * Call-ID, no other parties, no other address and no time after {@code proxy.dialog-max-hours} (toll
 * fraud through replayed routes). The key lives in data.dir, or in a cluster's Redis, so that any node
 * verifies the tokens of every other ({@code cluster.SharedSecrets}).
 */
public final class RouteToken {
    public static final String PARAM = "ltok";
    private static final String KEY_FILE = "route-token.key";
    /** The length of the HMAC-SHA256 key. */
    public static final int KEY_BYTES = 32;
    private static final int MAC_BYTES = 12;

    /**
     * The parties of a dialog as its initial request named them ({@code caller} and {@code callee} as
     * {@code user@host}), the address the caller's request came from, and which of the parties sent
     * the in-dialog request at hand.
     */
    public record Dialog(String callId, String callerTag, String caller, String callee, InetAddress callerAddress,
            boolean fromCaller) {
        /** The URI (user@host) of the party the request is sent to. */
        public String target() {
            return fromCaller ? callee : caller;
        }

        /** The URI (user@host) of the party that sent the request. */
        public String sender() {
            return fromCaller ? caller : callee;
        }
    }

    private final TokenMac mac;
    private final Clock clock;
    private final Duration maxAge;

    RouteToken(byte[] key, Clock clock, Duration maxAge) {
        this.mac = new TokenMac(key, MAC_BYTES);
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /** Tokens made and verified with {@code key} ({@link #KEY_BYTES} bytes), e.g. the one a cluster shares. */
    public static RouteToken withKey(byte[] key, Clock clock, Duration maxAge) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a route token key has " + KEY_BYTES + " bytes, not " + key.length);
        }
        return new RouteToken(key, clock, maxAge);
    }

    /** Loads the key from {@code dataDir}, creating it (mode 0600) on first start. */
    public static RouteToken open(Path dataDir, Clock clock, Duration maxAge) throws IOException {
        Path file = dataDir.resolve(KEY_FILE);
        if (!Files.exists(file)) {
            byte[] fresh = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(fresh);
            Path tmp = Files.createTempFile(dataDir, KEY_FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, fresh, StandardOpenOption.SYNC);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != KEY_BYTES) {
            throw new IOException(file + " is damaged (expected " + KEY_BYTES + " bytes); delete it to make a new one");
        }
        return new RouteToken(key, clock, maxAge);
    }

    /**
     * The {@code ltok} value of our Record-Route on the dialog-creating {@code request} of a caller
     * whose request came from {@code callerAddress}.
     */
    public String tokenFor(Request request, InetAddress callerAddress) {
        long expiry = clock.instant().plus(maxAge).getEpochSecond();
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        byte[] address = callerAddress.getAddress();
        return expiry + "." + HexFormat.of().formatHex(address) + "." + mac(expiry, address, callId(request),
                String.valueOf(from.getTag()), party(from.getAddress().getURI()),
                party(((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI()));
    }

    /**
     * The dialog {@code token} was issued for, when the in-dialog {@code request} belongs to it: sent by
     * the caller (same From tag, From and To) or by the callee (the mirror: To tag is the caller's,
     * To is the caller, From the callee), and not expired.
     */
    public Optional<Dialog> verify(Request request, String token) {
        String[] parts = token == null ? new String[0] : token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        long expiry;
        InetAddress callerAddress;
        try {
            expiry = Long.parseLong(parts[0]);
            callerAddress = InetAddress.getByAddress(HexFormat.of().parseHex(parts[1]));
        } catch (IllegalArgumentException | UnknownHostException e) {
            return Optional.empty(); // not a number, not hex, or not 4 or 16 bytes
        }
        if (clock.instant().getEpochSecond() > expiry) {
            return Optional.empty();
        }
        byte[] address = callerAddress.getAddress();
        String callId = callId(request);
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        String fromUri = party(from.getAddress().getURI());
        String toUri = party(to.getAddress().getURI());
        String presented = parts[2];
        if (from.getTag() != null
                && TokenMac.matches(presented, mac(expiry, address, callId, from.getTag(), fromUri, toUri))) {
            return Optional.of(new Dialog(callId, from.getTag(), fromUri, toUri, callerAddress, true));
        }
        if (to.getTag() != null
                && TokenMac.matches(presented, mac(expiry, address, callId, to.getTag(), toUri, fromUri))) {
            return Optional.of(new Dialog(callId, to.getTag(), toUri, fromUri, callerAddress, false));
        }
        return Optional.empty();
    }

    /** A party as the token binds it: {@code user@host} lower-cased, without port or parameters. */
    static String party(URI uri) {
        if (!(uri instanceof SipURI sip)) {
            return uri.toString().toLowerCase(Locale.ROOT);
        }
        String user = sip.getUser() == null ? "" : sip.getUser() + "@";
        return (user + sip.getHost()).toLowerCase(Locale.ROOT);
    }

    private static String callId(Request request) {
        return ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
    }

    private String mac(long expiry, byte[] callerAddress, String callId, String callerTag, String caller,
            String callee) {
        return mac.of(expiry, callerAddress, TokenMac.utf8(callId), TokenMac.utf8(callerTag), TokenMac.utf8(caller),
                TokenMac.utf8(callee));
    }
}
