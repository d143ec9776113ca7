package org.liaison.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Optional;
import java.util.Set;
import javax.sip.address.Address;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.Credentials;
import org.liaison.sip.message.SipFactories;

/** The identity the server asserts for a caller, whatever the caller claimed. */
class IdentityAssertionTest {
    private static final SipFactories SIP = SipFactories.create();
    private static final String DOMAIN = "example.org";
    private final IdentityAssertion identities = new IdentityAssertion(SIP, DOMAIN);

    @Test
    void eachRequestGetsItsOwnHeaderWithTheDirectorysName() throws Exception {
        Request first = message("P-Asserted-Identity: <sip:ceo@example.org>\r\n");
        Request second = message("");
        identities.assertCaller(first, account("alice", "Alice \"Al\" Smith"));
        identities.assertCaller(second, account("alice", "Alice \"Al\" Smith"));

        Header one = first.getHeader(IdentityAssertion.ASSERTED);
        Header two = second.getHeader(IdentityAssertion.ASSERTED);
        assertEquals("P-Asserted-Identity: \"Alice \\\"Al\\\" Smith\" <sip:alice@example.org>", one.toString().strip());
        assertEquals(one.toString(), two.toString());
        assertNotSame(one, two, "a later change to one request must not reach another");
        assertEquals("\"Alice \\\"Al\\\" Smith\" <sip:alice@example.org>;tag=a1",
                ((FromHeader) first.getHeader(FromHeader.NAME)).toString().substring("From: ".length()).strip());
    }

    @Test
    void aNameChangedInTheDirectoryIsAssertedFromTheNextRequestOn() throws Exception {
        Request before = message("");
        Request after = message("");
        identities.assertCaller(before, account("alice", "Alice Smith"));
        identities.assertCaller(after, account("alice", "Alice Jones"));

        assertEquals("\"Alice Jones\" <sip:alice@example.org>", address(after).toString());
        assertEquals("\"Alice Smith\" <sip:alice@example.org>", address(before).toString());
    }

    @Test
    void withoutADisplayNameTheBareAddressIsAsserted() throws Exception {
        Request request = message("");
        identities.assertCaller(request, account("bob", ""));

        assertEquals("<sip:bob@example.org>", address(request).toString());
        assertNull(((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getDisplayName());
    }

    private static Address address(Request request) {
        return ((javax.sip.header.HeaderAddress) request.getHeader(IdentityAssertion.ASSERTED)).getAddress();
    }

    private static Account account(String username, String displayName) {
        return new Account(username, displayName, Optional.empty(), Set.of(),
                Credentials.fromPassword(username, DOMAIN, "secret"));
    }

    private static Request message(String extraHeaders) throws Exception {
        return SIP.messages().createRequest("MESSAGE sip:bob@example.org SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
                + "From: \"Claimed Name\" <sip:alice@example.org>;tag=a1\r\n"
                + "To: <sip:bob@example.org>\r\n"
                + "Call-ID: c1@127.0.0.1\r\n"
                + "CSeq: 1 MESSAGE\r\n"
                + "Max-Forwards: 70\r\n"
                + extraHeaders
                + "Content-Length: 0\r\n\r\n");
    }
}
