package org.liaison.sip.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The private CA and server certificate of a cluster (issue 10), kept in a {@link SharedTlsIdentity} so that every
 * node presents the same chain and a phone that trusts one node's {@code /ca.pem} trusts them all. The first node
 * to start makes the CA, limited to the names it knows (sip.domain, {@code cluster.tls-names}, its own host name and
 * addresses), and stores it only if no node did meanwhile (the other keeps the winner's). Each node then makes sure
 * the shared server certificate names its own names too, issuing a new one for the union when not (or when under 30
 * days from expiry) and replacing the stored one only if it is still the one it read; so certificates only ever gain
 * names, and two nodes starting together end up with one. A node name the CA may not vouch for (outside its name
 * constraints, fixed when it was made) is left out, with one warning: clients reaching that node by that name refuse
 * it, those that use the domain (RFC 5922 §7.1) do not. Nodes started earlier keep the certificate they loaded
 * until they restart: it still names them and comes from the same CA.
 *
 * <p>Each node writes the CA certificate to {@code data.dir/ca.pem} (served as {@code /ca.pem}) and the server's
 * chain and key to {@code data.dir/tls/}, which the key manager reads; the CA's key stays in Redis and in memory.
 */
final class ClusterCa {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterCa.class);
    private static final int ATTEMPTS = 5;

    private ClusterCa() {
    }

    /** The shared CA, made now if no node made it yet; its certificate written to {@code dataDir/ca.pem}. */
    static PrivateCa open(SharedTlsIdentity store, ServerNames names, Path dataDir, Clock clock)
            throws IOException, CertificateProblem {
        Optional<String> kept = store.get(SharedTlsIdentity.CA);
        if (kept.isEmpty()) {
            String made = PrivateCa.newCa(names, clock).pemText();
            kept = Optional.of(store.putIfAbsent(SharedTlsIdentity.CA, made));
            if (kept.get().equals(made)) {
                LOG.info("created the cluster's private certificate authority for {} in {}", names,
                        store.where(SharedTlsIdentity.CA));
            }
        }
        ServerIdentity ca = ServerIdentity.parse(kept.get(), Path.of(store.where(SharedTlsIdentity.CA)), clock);
        return PrivateCa.kept(ca, dataDir, clock);
    }

    /**
     * The shared server certificate, made to name {@code names} as far as {@code ca} may; written to {@code
     * dataDir/tls/} for the key manager.
     */
    static PrivateCa.ServerFiles serverCertificate(PrivateCa ca, SharedTlsIdentity store, ServerNames names,
            Clock clock) throws IOException, CertificateProblem {
        NameConstraints limits = ca.nameConstraints().orElseThrow(() -> new CertificateProblem(
                Path.of(store.where(SharedTlsIdentity.CA)), "the cluster's CA has no name constraints; delete it"));
        ServerNames permitted = names.permittedPart(limits);
        if (!names.within(permitted)) {
            LOG.warn("the cluster's CA may not vouch for {} (it was made for other names): the shared certificate"
                    + " leaves them out, so clients reaching this node by them refuse it; list every node's names in"
                    + " cluster.tls-names before the first node starts (or delete {} and have clients import the new"
                    + " ca.pem)", names.minus(permitted), store.where(SharedTlsIdentity.CA));
        }
        Path where = Path.of(store.where(SharedTlsIdentity.SERVER));
        Optional<String> kept = store.get(SharedTlsIdentity.SERVER);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String why = "there is none yet";
            ServerNames wanted = permitted;
            if (kept.isPresent()) {
                ServerIdentity current;
                try {
                    current = ServerIdentity.parse(kept.get(), where, clock);
                    wanted = ServerNames.in(current.certificate()).plus(permitted);
                    why = ca.whyRenew(current, wanted);
                } catch (CertificateProblem e) {
                    current = null;
                    why = e.getMessage();
                }
                if (why == null) {
                    return ca.write(current);
                }
            }
            LOG.info("issuing a new shared server certificate for {}: {}", wanted, why);
            String issued = ca.issue(wanted).pemText();
            String stored = store.replace(SharedTlsIdentity.SERVER, kept.orElse(""), issued);
            if (stored.equals(issued)) {
                return ca.write(ServerIdentity.parse(stored, where, clock));
            }
            kept = Optional.of(stored); // another node replaced it first: check theirs
        }
        throw new CertificateProblem(where, "kept changing while this node started; start it again");
    }
}
