package org.liaison.sip.tls;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;
import org.liaison.sip.config.IpLiteral;

/**
 * The names clients may reach the server by, which its certificate must carry as subject
 * alternative names (RFC 5922 §7.1 for SIP): the domain, the host name, every listening address.
 *
 * @param dnsNames  host and domain names, lower case
 * @param addresses IP addresses
 */
record ServerNames(Set<String> dnsNames, Set<InetAddress> addresses) {
    ServerNames {
        dnsNames = Set.copyOf(dnsNames);
        addresses = Set.copyOf(addresses);
    }

    /** The SIP domain (a name, or an IP literal such as {@code [::1]}), the host name and the addresses. */
    static ServerNames of(String domain, String hostName, List<InetAddress> addresses) {
        Set<String> names = new TreeSet<>();
        Set<InetAddress> ips = new HashSet<>(addresses);
        for (String name : List.of(domain, hostName)) {
            InetAddress literal = IpLiteral.parse(name.replace("[", "").replace("]", ""));
            if (literal != null) {
                ips.add(literal);
            } else if (!name.isEmpty()) {
                names.add(name.toLowerCase(Locale.ROOT));
            }
        }
        return new ServerNames(names, ips);
    }

    GeneralNames asGeneralNames() {
        List<GeneralName> all = new java.util.ArrayList<>();
        for (String name : new TreeSet<>(dnsNames)) {
            all.add(new GeneralName(GeneralName.dNSName, name));
        }
        for (InetAddress a : addresses) {
            all.add(new GeneralName(GeneralName.iPAddress, a.getHostAddress()));
            // liblinphone's TLS (belle-sip) matches an address against DNS names only
            all.add(new GeneralName(GeneralName.dNSName, a.getHostAddress()));
        }
        return new GeneralNames(all.toArray(new GeneralName[0]));
    }

    /**
     * The CA's limits (RFC 5280 §4.2.1.10): these names and their subdomains, these addresses
     * exactly, and the addresses as DNS names (as {@link #asGeneralNames} writes them). A CA
     * certificate carrying them cannot vouch for any other site, even if its key is copied.
     */
    NameConstraints asNameConstraints() {
        List<GeneralSubtree> permitted = new java.util.ArrayList<>();
        for (String name : new TreeSet<>(dnsNames)) {
            permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, name)));
        }
        for (InetAddress a : addresses) {
            byte[] address = a.getAddress();
            byte[] addressAndMask = Arrays.copyOf(address, address.length * 2);
            Arrays.fill(addressAndMask, address.length, addressAndMask.length, (byte) 0xff);
            permitted.add(new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new DEROctetString(addressAndMask))));
            permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, a.getHostAddress())));
        }
        return new NameConstraints(permitted.toArray(new GeneralSubtree[0]), null);
    }

    /** Whether a CA limited by {@code constraints} may name all of these in a certificate. */
    boolean permittedBy(NameConstraints constraints) {
        PKIXNameConstraintValidator validator = new PKIXNameConstraintValidator();
        if (constraints.getPermittedSubtrees() != null) {
            validator.intersectPermittedSubtree(constraints.getPermittedSubtrees());
        }
        if (constraints.getExcludedSubtrees() != null) {
            for (GeneralSubtree excluded : constraints.getExcludedSubtrees()) {
                validator.addExcludedSubtree(excluded);
            }
        }
        try {
            for (GeneralName name : asGeneralNames().getNames()) {
                validator.checkPermitted(name);
                validator.checkExcluded(name);
            }
            return true;
        } catch (NameConstraintValidatorException e) {
            return false;
        }
    }

    /** These names and {@code other}'s. */
    ServerNames plus(ServerNames other) {
        Set<String> names = new TreeSet<>(dnsNames);
        names.addAll(other.dnsNames);
        Set<InetAddress> ips = new HashSet<>(addresses);
        ips.addAll(other.addresses);
        return new ServerNames(names, ips);
    }

    /** Those of these names that a CA limited by {@code constraints} may name. */
    ServerNames permittedPart(NameConstraints constraints) {
        Set<String> names = new TreeSet<>();
        for (String name : dnsNames) {
            if (new ServerNames(Set.of(name), Set.of()).permittedBy(constraints)) {
                names.add(name);
            }
        }
        Set<InetAddress> ips = new HashSet<>();
        for (InetAddress a : addresses) {
            if (new ServerNames(Set.of(), Set.of(a)).permittedBy(constraints)) {
                ips.add(a);
            }
        }
        return new ServerNames(names, ips);
    }

    /** These names but {@code other}'s. */
    ServerNames minus(ServerNames other) {
        Set<String> names = new TreeSet<>(dnsNames);
        names.removeAll(other.dnsNames);
        Set<InetAddress> ips = new HashSet<>(addresses);
        ips.removeAll(other.addresses);
        return new ServerNames(names, ips);
    }

    /** Whether these names are no more than {@code other}'s. */
    boolean within(ServerNames other) {
        return other.dnsNames.containsAll(dnsNames) && other.addresses.containsAll(addresses);
    }

    /** The names a certificate carries, in the same form (empty when it has none; addresses as DNS names skipped). */
    static ServerNames in(X509Certificate certificate) {
        Set<String> names = new TreeSet<>();
        Set<InetAddress> ips = new HashSet<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
                int type = (Integer) san.get(0);
                if (type == GeneralName.dNSName && IpLiteral.parse((String) san.get(1)) == null) {
                    names.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                } else if (type == GeneralName.iPAddress && IpLiteral.parse((String) san.get(1)) != null) {
                    ips.add(IpLiteral.parse((String) san.get(1)));
                }
            }
        } catch (CertificateParsingException e) {
            // a certificate with unreadable names covers nothing
        }
        return new ServerNames(names, ips);
    }
}
