package org.liaison.sip.edge;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.util.Set;

/**
 * The stack's message parser ({@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}, found by class
 * name), treating a broken header the same on every transport. Over UDP the stack parses with a
 * listener that refuses a message whose Via, From, To, Call-ID, CSeq or Content-Length is broken
 * and sets any other broken header aside ({@link SIPMessage#getUnrecognizedHeaders()}); its NIO
 * TCP parser passes no listener, and the parser then drops every broken header without a word (an
 * unparsable Contact turns a REGISTER into a query). Here a missing listener is replaced by one
 * doing what the UDP one does, so the router sees broken headers whichever way they came. The parser is
 * {@link EdgeMessageParser}: the stock one, finding each header's parser without reflection.
 */
public final class StreamParserFactory implements MessageParserFactory {
    private static final Set<Class<?>> MANDATORY = Set.of(From.class, To.class, CSeq.class, Via.class,
            CallID.class, ContentLength.class, RequestLine.class, StatusLine.class);

    private static final ParseExceptionListener LIKE_UDP = (ex, message, headerClass, header, text) -> {
        if (message == null || MANDATORY.contains(headerClass)) {
            throw ex;
        }
        message.addUnparsed(header);
    };

    /** Called by the stack, which finds this class by name. */
    public StreamParserFactory() {
    }

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return new EdgeMessageParser(LIKE_UDP);
    }
}
