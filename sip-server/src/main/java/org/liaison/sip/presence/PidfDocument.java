package org.liaison.sip.presence;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * PIDF documents (RFC 3863) with the RPID activities Linphone reads (RFC 4480): the ones the server
 * writes for a user who published nothing, and the check of the ones devices publish.
 */
final class PidfDocument {
    static final String CONTENT_TYPE = "application/pidf+xml";
    private static final String PIDF_NAMESPACE = "urn:ietf:params:xml:ns:pidf";

    private PidfDocument() {
    }

    /** The document for {@code entity} (a {@code sip:} AoR the server wrote, no markup in it). */
    static String derived(String entity, Availability availability) {
        String basic = availability == Availability.OFFLINE ? "closed" : "open";
        // liblinphone shows basic open without activity as "online", on-the-phone as busy, closed as offline
        String activity = availability == Availability.ON_THE_PHONE
                ? "<dm:person id=\"p1\"><rpid:activities><rpid:on-the-phone/></rpid:activities></dm:person>" : "";
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<presence xmlns=\"" + PIDF_NAMESPACE + "\" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\""
                + " xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\" entity=\"" + entity + "\">"
                + "<tuple id=\"t1\"><status><basic>" + basic + "</basic></status><contact>" + entity
                + "</contact></tuple>" + activity + "</presence>\n";
    }

    /**
     * Why {@code body} is not a PIDF document (well-formed XML whose root is {@code presence} in the
     * PIDF namespace, RFC 3863 §4.1), or empty when it is. No DTD is read: a document may not make the
     * server fetch or expand anything.
     */
    static Optional<String> problemWith(byte[] body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            var builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // fatal errors throw, nothing printed
            Element root = builder.parse(new ByteArrayInputStream(body)).getDocumentElement();
            if (!"presence".equals(root.getLocalName()) || !PIDF_NAMESPACE.equals(root.getNamespaceURI())) {
                return Optional.of("Not a PIDF presence document");
            }
            return Optional.empty();
        } catch (SAXException | IOException e) {
            return Optional.of("Malformed PIDF document");
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
