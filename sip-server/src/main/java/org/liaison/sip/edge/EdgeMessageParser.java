package org.liaison.sip.edge;

import gov.nist.javax.sip.header.ExtensionHeaderImpl;
import gov.nist.javax.sip.header.NameMap;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.HeaderParser;
import gov.nist.javax.sip.parser.Lexer;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;

/**
 * JAIN-SIP's {@link StringMsgParser}, making the same message from the same bytes (same header classes and values,
 * same errors to the same listener), with two differences. A call without a listener gets {@code defaultListener}.
 * Each header line finds its parser through {@link HeaderParserTable} instead of JAIN-SIP's reflective
 * ParserFactory, which issue 12's profile showed costing a sixth of all parsing. And after each message the
 * stack's cache of header names is kept bounded ({@link HeaderNamesBound}), and its parser nesting level far below
 * zero ({@link ParserNestingLevel}).
 */
final class EdgeMessageParser extends StringMsgParser {
    private final ParseExceptionListener defaultListener;

    EdgeMessageParser(ParseExceptionListener defaultListener) {
        this.defaultListener = defaultListener;
    }

    @Override
    public SIPMessage parseSIPMessage(byte[] message, boolean readBody, boolean strict,
            ParseExceptionListener listener) throws ParseException {
        try {
            return super.parseSIPMessage(message, readBody, strict, listener != null ? listener : defaultListener);
        } finally {
            HeaderNamesBound.trim();
            ParserNestingLevel.keepFarBelowZero();
        }
    }

    /** StringMsgParser.processHeader line for line, but for where the parser comes from. */
    @Override
    protected void processHeader(String header, SIPMessage message, ParseExceptionListener listener,
            byte[] rawMessage) throws ParseException {
        if (header == null || header.isEmpty()) {
            return;
        }
        HeaderParser headerParser;
        try {
            headerParser = HeaderParserTable.parserFor(header + "\n");
        } catch (ParseException ex) {
            if (listener == null) {
                throw ex;
            }
            listener.handleException(ex, message, null, header, null);
            return;
        }
        try {
            message.attachHeader(headerParser.parse(), false);
        } catch (ParseException ex) {
            // without a listener the stock parser drops the header without a word; so does this one
            if (listener != null) {
                Class<?> headerClass = NameMap.getClassFromName(Lexer.getHeaderName(header));
                listener.handleException(ex, message, headerClass != null ? headerClass : ExtensionHeaderImpl.class,
                        header, new String(rawMessage, StandardCharsets.UTF_8));
            }
        }
    }
}
