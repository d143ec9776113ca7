package org.liaison.sip.presence;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The resource list a subscriber may send with its list SUBSCRIBE (RFC 4826 {@code resource-lists},
 * RFC 5367: liblinphone sends its friend list so): the URIs of its {@code entry} elements.
 */
final class ResourceList {
    private static final String NAMESPACE = "urn:ietf:params:xml:ns:resource-lists";

    private ResourceList() {
    }

    /** The entries' URIs, in order; empty when {@code body} is not a resource list. */
    static Optional<Set<String>> uris(byte[] body) {
        return SafeXml.parse(body).map(document -> {
            NodeList entries = document.getElementsByTagNameNS(NAMESPACE, "entry");
            Set<String> uris = new LinkedHashSet<>();
            for (int i = 0; i < entries.getLength(); i++) {
                uris.add(((Element) entries.item(i)).getAttribute("uri"));
            }
            return uris;
        });
    }
}
