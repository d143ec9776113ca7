package org.liaison.sip.registrar;

import java.text.ParseException;
import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * REGISTER requests as real clients send them, and JAIN-SIP's factories to parse them. Addresses
 * are private (what clients behind a NAT write in their Contact); instance IDs are made up.
 */
final class SipFixtures {
    static final String DOMAIN = "example.org";
    static final String LINPHONE_INSTANCE = "urn:uuid:6f8ad3c0-9b1f-4d0a-8e3c-2f7d5a1b9c44";
    static final String LINPHONE_CONTACT = "<sip:alice@192.168.1.20:5072;transport=udp>"
            + ";+org.linphone.specs=\"groupchat/1.1,lime,ephemeral/1.1\""
            + ";+sip.instance=\"<" + LINPHONE_INSTANCE + ">\"";
    static final String BARESIP_INSTANCE = "urn:uuid:a1b2c3d4-0000-1000-8000-00aabbccddee";

    /** linphonec 5.x: gruu and outbound in Supported, an instance but no reg-id, Expires header. */
    static final String LINPHONE = """
            REGISTER sip:example.org SIP/2.0
            Via: SIP/2.0/UDP 192.168.1.20:5072;branch=z9hG4bK.Ab3xY1Qm;rport
            From: <sip:alice@example.org>;tag=Kd8xQ1~z
            To: sip:alice@example.org
            CSeq: 20 REGISTER
            Call-ID: 5xK9-Lq2Zp
            Max-Forwards: 70
            Supported: replaces, outbound, gruu
            Accept: application/sdp
            Accept: text/plain
            Contact: %s
            Expires: 3600
            User-Agent: Linphone Desktop/5.2.0 (Ubuntu 22.04) LinphoneSDK/5.3.0
            Content-Length: 0
            """.formatted(LINPHONE_CONTACT);

    /** baresip 3.x with sipnat=outbound: instance and reg-id, expires as a Contact parameter. */
    static final String BARESIP = """
            REGISTER sip:example.org SIP/2.0
            Via: SIP/2.0/UDP 192.168.1.30:5060;branch=z9hG4bK3f5a1c;rport
            Contact: <sip:bob-0x55d1@192.168.1.30:5060;ob>;expires=600;+sip.instance="<%s>";reg-id=1
            Max-Forwards: 70
            To: <sip:bob@example.org>
            From: <sip:bob@example.org>;tag=8c1f2e
            Call-ID: 4a7d1e2b9c
            CSeq: 44123 REGISTER
            User-Agent: baresip v3.10.1 (x86_64/linux)
            Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,SUBSCRIBE,INFO,MESSAGE,UPDATE,REFER
            Supported: outbound,path,replaces
            Content-Length: 0
            """.formatted(BARESIP_INSTANCE);

    /** A plain RFC 3261 client: no instance, so the Contact URI is the key. */
    static final String PLAIN = """
            REGISTER sip:example.org SIP/2.0
            Via: SIP/2.0/UDP 192.168.1.40:5060;branch=z9hG4bKplain1
            From: <sip:carol@example.org>;tag=p1
            To: <sip:carol@example.org>
            CSeq: 1 REGISTER
            Call-ID: plain-call-1
            Max-Forwards: 70
            Contact: <sip:carol@192.168.1.40:5060>
            Content-Length: 0
            """;

    static final MessageFactory MESSAGES;
    static final HeaderFactory HEADERS;
    static final AddressFactory ADDRESSES;

    static {
        try {
            SipFactory factory = SipFactory.getInstance();
            factory.setPathName("gov.nist");
            MESSAGES = factory.createMessageFactory();
            HEADERS = factory.createHeaderFactory();
            ADDRESSES = factory.createAddressFactory();
        } catch (PeerUnavailableException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private SipFixtures() {
    }

    /** Parses request text written with plain newlines, as in the text blocks above. */
    static Request request(String text) {
        try {
            return MESSAGES.createRequest(text.replace("\r\n", "\n").replace("\n", "\r\n").stripTrailing() + "\r\n\r\n");
        } catch (ParseException e) {
            throw new IllegalArgumentException("bad fixture: " + e.getMessage(), e);
        }
    }

    /** The response as a peer would read it off the wire. */
    static Response reparsed(Response response) {
        try {
            return MESSAGES.createResponse(response.toString());
        } catch (ParseException e) {
            throw new AssertionError("our response does not parse:\n" + response, e);
        }
    }
}
