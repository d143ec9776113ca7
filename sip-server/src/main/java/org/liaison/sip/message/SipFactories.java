package org.liaison.sip.message;

import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;

/** JAIN-SIP's three factories, created once and passed to whoever builds messages. */
public record SipFactories(MessageFactory messages, HeaderFactory headers, AddressFactory addresses) {
    public static SipFactories create() {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        try {
            return new SipFactories(factory.createMessageFactory(), factory.createHeaderFactory(),
                    factory.createAddressFactory());
        } catch (PeerUnavailableException e) {
            throw new IllegalStateException("JAIN-SIP RI is not on the class path", e);
        }
    }
}
