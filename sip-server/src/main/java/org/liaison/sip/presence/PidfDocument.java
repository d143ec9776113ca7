package org.liaison.sip.presence;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * PIDF documents (RFC 3863) with the RPID activities Linphone reads (RFC 4480): the ones the server
 * writes for a user who published nothing, and the check of the ones devices publish.
 */
final class PidfDocument {
    static final String CONTENT_TYPE = "application/pidf+xml";
    private static final String PIDF_NAMESPACE = "urn:ietf:params:xml:ns:pidf";
    private static final String RPID_NAMESPACE = "urn:ietf:params:xml:ns:pidf:rpid";
    /** liblinphone's mark of "online" in a tuple's status, beside {@code basic} (linphone.org/xsds/pidfonline.xsd). */
    private static final String LINPHONE_ONLINE_NAMESPACE = "http://www.linphone.org/xsds/pidfonline.xsd";

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
     * Why {@code body} is not a PIDF document (well-formed XML without DTD whose root is
     * {@code presence} in the PIDF namespace, RFC 3863 §4.1), or empty when it is.
     */
    static Optional<String> problemWith(byte[] body) {
        Optional<Element> root = SafeXml.parse(body).map(Document::getDocumentElement);
        if (root.isEmpty()) {
            return Optional.of("Malformed PIDF document");
        }
        if (!"presence".equals(root.get().getLocalName()) || !PIDF_NAMESPACE.equals(root.get().getNamespaceURI())) {
            return Optional.of("Not a PIDF presence document");
        }
        return Optional.empty();
    }

    /**
     * Whether {@code document} says no more than "available", as liblinphone reads it
     * ({@code PresenceModel::isOnline}): its own {@code <pidfonline:online/>}, or a tuple open (RFC 3863
     * §4.1.4) and no RPID activity (RFC 4480 §3.2). What Linphone publishes by itself while its user
     * chose nothing; a busy, away or offline the user chose says more.
     */
    static boolean saysAvailable(String document) {
        Optional<Document> parsed = SafeXml.parse(document.getBytes(StandardCharsets.UTF_8));
        if (parsed.isEmpty()) {
            return false;
        }
        Document pidf = parsed.get();
        if (pidf.getElementsByTagNameNS(LINPHONE_ONLINE_NAMESPACE, "online").getLength() > 0) {
            return true;
        }
        boolean open = elements(pidf.getElementsByTagNameNS(PIDF_NAMESPACE, "basic"))
                .anyMatch(basic -> "open".equals(basic.getTextContent().strip()));
        boolean activity = elements(pidf.getElementsByTagNameNS(RPID_NAMESPACE, "activities"))
                .anyMatch(activities -> activities.getElementsByTagNameNS("*", "*").getLength() > 0);
        return open && !activity;
    }

    private static Stream<Element> elements(NodeList nodes) {
        return IntStream.range(0, nodes.getLength()).mapToObj(i -> (Element) nodes.item(i));
    }
}
