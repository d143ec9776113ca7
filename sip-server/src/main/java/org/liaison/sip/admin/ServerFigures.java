package org.liaison.sip.admin;

import java.util.Optional;
import org.liaison.im.OfflineStore;
import org.liaison.im.messaging.MessagingMetrics;
import org.liaison.media.MediaRelay;
import org.liaison.provisioning.WatchedAccountDirectory;
import org.liaison.provisioning.http.ProvisioningCounters;
import org.liaison.sip.auth.AuthCounters;
import org.liaison.sip.cluster.ClusterRedis;
import org.liaison.sip.edge.SipEdge;
import org.liaison.sip.media.MediaAnchor;
import org.liaison.sip.presence.CallsInProgress;
import org.liaison.sip.registrar.LocationService;
import org.liaison.sip.tls.TlsCredentials;
import org.liaison.sip.tls.acme.AcmeCertificates;

/**
 * Where a running server's figures are read from: the parts {@code SipServer} wired, each asked at
 * scrape time (never pushed to from the SIP threads).
 *
 * @param calls the calls the proxy carries, whether their media is relayed or not
 * @param redis empty on one machine; in a cluster the node's one connection (readiness pings it)
 * @param provisioning empty when http.port is 0
 */
public record ServerFigures(SipEdge edge, LocationService locations, WatchedAccountDirectory accounts,
        AuthCounters auth, MediaAnchor media, CallsInProgress calls, Optional<MediaRelay> relay,
        MessagingMetrics messaging, OfflineStore messages, Optional<TlsCredentials> tls, Optional<ClusterRedis> redis,
        Optional<ProvisioningCounters> provisioning, Optional<AcmeCertificates> acme) {
}
