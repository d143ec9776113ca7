package org.liaison.sip.presence;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/** XML from clients, parsed without a DTD: a document may not make the server fetch or expand anything. */
final class SafeXml {
    private SafeXml() {
    }

    /** The namespace-aware document, or empty when {@code body} is not well-formed or declares a DTD. */
    static Optional<Document> parse(byte[] body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            var builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // fatal errors throw, nothing printed
            return Optional.of(builder.parse(new ByteArrayInputStream(body)));
        } catch (SAXException | IOException e) {
            return Optional.empty();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
