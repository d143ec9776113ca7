package org.liaison.sip.edge;

import gov.nist.javax.sip.parser.AcceptEncodingParser;
import gov.nist.javax.sip.parser.AcceptLanguageParser;
import gov.nist.javax.sip.parser.AcceptParser;
import gov.nist.javax.sip.parser.AlertInfoParser;
import gov.nist.javax.sip.parser.AllowEventsParser;
import gov.nist.javax.sip.parser.AllowParser;
import gov.nist.javax.sip.parser.AuthenticationInfoParser;
import gov.nist.javax.sip.parser.AuthorizationParser;
import gov.nist.javax.sip.parser.CSeqParser;
import gov.nist.javax.sip.parser.CallIDParser;
import gov.nist.javax.sip.parser.CallInfoParser;
import gov.nist.javax.sip.parser.ContactParser;
import gov.nist.javax.sip.parser.ContentDispositionParser;
import gov.nist.javax.sip.parser.ContentEncodingParser;
import gov.nist.javax.sip.parser.ContentLanguageParser;
import gov.nist.javax.sip.parser.ContentLengthParser;
import gov.nist.javax.sip.parser.ContentTypeParser;
import gov.nist.javax.sip.parser.DateParser;
import gov.nist.javax.sip.parser.ErrorInfoParser;
import gov.nist.javax.sip.parser.EventParser;
import gov.nist.javax.sip.parser.ExpiresParser;
import gov.nist.javax.sip.parser.FromParser;
import gov.nist.javax.sip.parser.HeaderParser;
import gov.nist.javax.sip.parser.InReplyToParser;
import gov.nist.javax.sip.parser.MaxForwardsParser;
import gov.nist.javax.sip.parser.MimeVersionParser;
import gov.nist.javax.sip.parser.MinExpiresParser;
import gov.nist.javax.sip.parser.OrganizationParser;
import gov.nist.javax.sip.parser.ParserFactory;
import gov.nist.javax.sip.parser.PriorityParser;
import gov.nist.javax.sip.parser.ProxyAuthenticateParser;
import gov.nist.javax.sip.parser.ProxyAuthorizationParser;
import gov.nist.javax.sip.parser.ProxyRequireParser;
import gov.nist.javax.sip.parser.RAckParser;
import gov.nist.javax.sip.parser.RSeqParser;
import gov.nist.javax.sip.parser.ReasonParser;
import gov.nist.javax.sip.parser.RecordRouteParser;
import gov.nist.javax.sip.parser.ReferToParser;
import gov.nist.javax.sip.parser.ReplyToParser;
import gov.nist.javax.sip.parser.RequireParser;
import gov.nist.javax.sip.parser.RetryAfterParser;
import gov.nist.javax.sip.parser.RouteParser;
import gov.nist.javax.sip.parser.SIPETagParser;
import gov.nist.javax.sip.parser.SIPIfMatchParser;
import gov.nist.javax.sip.parser.ServerParser;
import gov.nist.javax.sip.parser.SubjectParser;
import gov.nist.javax.sip.parser.SubscriptionStateParser;
import gov.nist.javax.sip.parser.SupportedParser;
import gov.nist.javax.sip.parser.TimeStampParser;
import gov.nist.javax.sip.parser.ToParser;
import gov.nist.javax.sip.parser.UnsupportedParser;
import gov.nist.javax.sip.parser.UserAgentParser;
import gov.nist.javax.sip.parser.ViaParser;
import gov.nist.javax.sip.parser.WWWAuthenticateParser;
import gov.nist.javax.sip.parser.WarningParser;
import gov.nist.javax.sip.parser.extensions.JoinParser;
import gov.nist.javax.sip.parser.extensions.MinSEParser;
import gov.nist.javax.sip.parser.extensions.ReferencesParser;
import gov.nist.javax.sip.parser.extensions.ReferredByParser;
import gov.nist.javax.sip.parser.extensions.ReplacesParser;
import gov.nist.javax.sip.parser.extensions.SessionExpiresParser;
import gov.nist.javax.sip.parser.ims.PAccessNetworkInfoParser;
import gov.nist.javax.sip.parser.ims.PAssertedIdentityParser;
import gov.nist.javax.sip.parser.ims.PAssertedServiceParser;
import gov.nist.javax.sip.parser.ims.PAssociatedURIParser;
import gov.nist.javax.sip.parser.ims.PCalledPartyIDParser;
import gov.nist.javax.sip.parser.ims.PChargingFunctionAddressesParser;
import gov.nist.javax.sip.parser.ims.PChargingVectorParser;
import gov.nist.javax.sip.parser.ims.PMediaAuthorizationParser;
import gov.nist.javax.sip.parser.ims.PPreferredIdentityParser;
import gov.nist.javax.sip.parser.ims.PPreferredServiceParser;
import gov.nist.javax.sip.parser.ims.PProfileKeyParser;
import gov.nist.javax.sip.parser.ims.PServedUserParser;
import gov.nist.javax.sip.parser.ims.PUserDatabaseParser;
import gov.nist.javax.sip.parser.ims.PVisitedNetworkIDParser;
import gov.nist.javax.sip.parser.ims.PathParser;
import gov.nist.javax.sip.parser.ims.PrivacyParser;
import gov.nist.javax.sip.parser.ims.SecurityClientParser;
import gov.nist.javax.sip.parser.ims.SecurityServerParser;
import gov.nist.javax.sip.parser.ims.SecurityVerifyParser;
import gov.nist.javax.sip.parser.ims.ServiceRouteParser;
import java.text.ParseException;
import java.util.function.Function;

/**
 * JAIN-SIP's {@link ParserFactory#createParser} for one header line, without what it costs per line: it cuts the
 * name and the value into two new Strings (the value is never used), lowercases the name through a synchronized
 * cache, then finds the parser class in a map and calls its constructor by reflection. Here the name is matched in
 * place, ignoring ASCII case, against a table built once of the same names (compact forms included) and parsers,
 * called by constructor reference; the parser itself, and so the header it makes and the errors it throws, is
 * the stock one. HeaderParserTableTest holds this table equal to ParserFactory's; the stack adds nothing to that
 * table at run time.
 */
final class HeaderParserTable {
    /** A power of two above twice the 94 names, so that a probe rarely passes a second slot. */
    private static final int SLOTS = 256;
    private static final String[] NAMES = new String[SLOTS];
    @SuppressWarnings("unchecked")
    private static final Function<String, HeaderParser>[] PARSERS = new Function[SLOTS];

    static {
        put("accept-encoding", AcceptEncodingParser::new);
        put("accept-language", AcceptLanguageParser::new);
        put("accept", AcceptParser::new);
        put("alert-info", AlertInfoParser::new);
        put("allow-events", AllowEventsParser::new);
        put("u", AllowEventsParser::new);
        put("allow", AllowParser::new);
        put("authentication-info", AuthenticationInfoParser::new);
        put("authorization", AuthorizationParser::new);
        put("cseq", CSeqParser::new);
        put("call-id", CallIDParser::new);
        put("i", CallIDParser::new);
        put("call-info", CallInfoParser::new);
        put("contact", ContactParser::new);
        put("m", ContactParser::new);
        put("content-disposition", ContentDispositionParser::new);
        put("content-encoding", ContentEncodingParser::new);
        put("e", ContentEncodingParser::new);
        put("content-language", ContentLanguageParser::new);
        put("content-length", ContentLengthParser::new);
        put("l", ContentLengthParser::new);
        put("content-type", ContentTypeParser::new);
        put("c", ContentTypeParser::new);
        put("date", DateParser::new);
        put("error-info", ErrorInfoParser::new);
        put("event", EventParser::new);
        put("o", EventParser::new);
        put("expires", ExpiresParser::new);
        put("from", FromParser::new);
        put("f", FromParser::new);
        put("in-reply-to", InReplyToParser::new);
        put("max-forwards", MaxForwardsParser::new);
        put("mime-version", MimeVersionParser::new);
        put("min-expires", MinExpiresParser::new);
        put("organization", OrganizationParser::new);
        put("priority", PriorityParser::new);
        put("proxy-authenticate", ProxyAuthenticateParser::new);
        put("proxy-authorization", ProxyAuthorizationParser::new);
        put("proxy-require", ProxyRequireParser::new);
        put("rack", RAckParser::new);
        put("rseq", RSeqParser::new);
        put("reason", ReasonParser::new);
        put("record-route", RecordRouteParser::new);
        put("refer-to", ReferToParser::new);
        put("b", ReferToParser::new);
        put("r", ReferToParser::new);
        put("reply-to", ReplyToParser::new);
        put("require", RequireParser::new);
        put("retry-after", RetryAfterParser::new);
        put("route", RouteParser::new);
        put("sip-etag", SIPETagParser::new);
        put("sip-if-match", SIPIfMatchParser::new);
        put("server", ServerParser::new);
        put("subject", SubjectParser::new);
        put("s", SubjectParser::new);
        put("subscription-state", SubscriptionStateParser::new);
        put("supported", SupportedParser::new);
        put("k", SupportedParser::new);
        put("timestamp", TimeStampParser::new);
        put("to", ToParser::new);
        put("t", ToParser::new);
        put("unsupported", UnsupportedParser::new);
        put("user-agent", UserAgentParser::new);
        put("via", ViaParser::new);
        put("v", ViaParser::new);
        put("www-authenticate", WWWAuthenticateParser::new);
        put("warning", WarningParser::new);
        put("join", JoinParser::new);
        put("min-se", MinSEParser::new);
        put("references", ReferencesParser::new);
        put("referred-by", ReferredByParser::new);
        put("replaces", ReplacesParser::new);
        put("session-expires", SessionExpiresParser::new);
        put("x", SessionExpiresParser::new);
        put("p-access-network-info", PAccessNetworkInfoParser::new);
        put("p-asserted-identity", PAssertedIdentityParser::new);
        put("p-asserted-service", PAssertedServiceParser::new);
        put("p-associated-uri", PAssociatedURIParser::new);
        put("p-called-party-id", PCalledPartyIDParser::new);
        put("p-charging-function-addresses", PChargingFunctionAddressesParser::new);
        put("p-charging-vector", PChargingVectorParser::new);
        put("p-media-authorization", PMediaAuthorizationParser::new);
        put("p-preferred-identity", PPreferredIdentityParser::new);
        put("p-preferred-service", PPreferredServiceParser::new);
        put("p-profile-key", PProfileKeyParser::new);
        put("p-served-user", PServedUserParser::new);
        put("p-user-database", PUserDatabaseParser::new);
        put("p-visited-network-id", PVisitedNetworkIDParser::new);
        put("path", PathParser::new);
        put("privacy", PrivacyParser::new);
        put("security-client", SecurityClientParser::new);
        put("security-server", SecurityServerParser::new);
        put("security-verify", SecurityVerifyParser::new);
        put("service-route", ServiceRouteParser::new);
    }

    private HeaderParserTable() {
    }

    /**
     * The parser ParserFactory would make for {@code line} (a header line ending in a line feed). A name that is
     * not plain ASCII, or that the stock factory refuses, goes to the stock factory: String.toLowerCase's Unicode
     * rules and its exceptions are then its own.
     */
    static HeaderParser parserFor(String line) throws ParseException {
        int colon = line.indexOf(':');
        // Lexer.getHeaderName: what precedes the first colon, trimmed as String.trim does
        int start = 0;
        int end = Math.max(colon, 0);
        while (start < end && line.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && line.charAt(end - 1) <= ' ') {
            end--;
        }
        if (colon < 1 || start == end) {
            return ParserFactory.createParser(line);
        }
        int hash = 0;
        for (int i = start; i < end; i++) {
            char c = line.charAt(i);
            if (c >= 0x80) {
                return ParserFactory.createParser(line);
            }
            hash = 31 * hash + lowerCase(c);
        }
        for (int slot = slotOf(hash); NAMES[slot] != null; slot = (slot + 1) & (SLOTS - 1)) {
            if (isName(line, start, end, NAMES[slot])) {
                return PARSERS[slot].apply(line);
            }
        }
        return new ExtensionHeaderParser(line);
    }

    /**
     * Whether {@code line[start, end)} is {@code name} in any ASCII case. String.regionMatches(true, ...) maps each
     * character through Unicode's upper and lower case, 3 % of a REGISTER's parse in the benchmark's profile.
     */
    private static boolean isName(String line, int start, int end, String name) {
        if (name.length() != end - start) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (lowerCase(line.charAt(i)) != name.charAt(i - start)) {
                return false;
            }
        }
        return true;
    }

    private static char lowerCase(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** {@code name} in lower case, as ParserFactory keeps it. */
    private static void put(String name, Function<String, HeaderParser> parser) {
        int slot = slotOf(name.hashCode());
        while (NAMES[slot] != null) {
            slot = (slot + 1) & (SLOTS - 1);
        }
        NAMES[slot] = name;
        PARSERS[slot] = parser;
    }

    /** Lowercase names differ mostly in their last characters, which a String hash keeps in its low bits. */
    private static int slotOf(int hash) {
        return (hash ^ (hash >>> 8)) & (SLOTS - 1);
    }

    /** What ParserFactory makes for a name it has no parser for: the header kept as name and text. */
    private static final class ExtensionHeaderParser extends HeaderParser {
        ExtensionHeaderParser(String line) {
            super(line);
        }
    }
}
