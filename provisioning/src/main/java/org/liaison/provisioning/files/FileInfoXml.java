package org.liaison.provisioning.files;

import java.io.StringWriter;
import java.time.format.DateTimeFormatter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The answer to an upload (GSMA RCC.07 §3.5.4.8.3), which liblinphone puts unchanged in the MESSAGE
 * it sends with Content-Type {@value #CONTENT_TYPE}; recipients read {@code file-name},
 * {@code file-size}, {@code content-type} and {@code data url} from it (liblinphone's
 * {@code FileTransferChatMessageModifier}). Written with an XML writer: a name with {@code <} or
 * {@code "} stays text.
 */
public final class FileInfoXml {
    public static final String CONTENT_TYPE = "application/vnd.gsma.rcs-ft-http+xml";
    public static final String NAMESPACE = "urn:gsma:params:xml:ns:rcs:rcs:fthttp";

    private FileInfoXml() {
    }

    /** The file-info document of {@code file}, downloadable at {@code url}. */
    public static String render(StoredFile file, String url) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("file");
            xml.writeDefaultNamespace(NAMESPACE);
            xml.writeCharacters("\n");
            xml.writeStartElement("file-info");
            xml.writeAttribute("type", "file");
            element(xml, "file-size", Long.toString(file.size()));
            element(xml, "file-name", file.name());
            element(xml, "content-type", file.contentType());
            xml.writeCharacters("\n");
            xml.writeEmptyElement("data");
            xml.writeAttribute("url", url);
            // RFC 3339 in UTC, whole seconds, as Flexisip's hft.php writes it
            xml.writeAttribute("until", DateTimeFormatter.ISO_INSTANT.format(file.until()));
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing XML to a string cannot fail", e);
        }
        return text.toString();
    }

    private static void element(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeCharacters("\n");
        xml.writeStartElement(name);
        xml.writeCharacters(value);
        xml.writeEndElement();
    }
}
