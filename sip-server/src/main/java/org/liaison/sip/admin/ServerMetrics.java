package org.liaison.sip.admin;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleConsumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.liaison.im.messaging.MessagingMetrics;
import org.liaison.media.MediaRelay;
import org.liaison.media.RelayLoad;
import org.liaison.provisioning.http.ProvisioningCounters;
import org.liaison.sip.auth.AuthFailureStore;
import org.liaison.sip.edge.EdgeCounters;
import org.liaison.sip.edge.ResponsesSent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's metrics, registered as callbacks that read {@link ServerFigures} at each scrape.
 * Names follow the Prometheus conventions: {@code liaison_} prefix, {@code _total} counters, base
 * units. Per node: no label names the node (Prometheus adds {@code instance}).
 */
final class ServerMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(ServerMetrics.class);
    static final List<String> RELAY_DROP_REASONS = List.of("wrong-source", "no-peer", "congested");

    private final PrometheusRegistry registry;

    private ServerMetrics(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /** Registers every metric of {@code server} in {@code registry}. */
    static void register(PrometheusRegistry registry, ServerFigures server) {
        ServerMetrics m = new ServerMetrics(registry);
        m.gauge("liaison_registered_devices", "Devices registered now (live bindings)",
                () -> server.locations().count());
        m.gauge("liaison_users", "Accounts in users.csv", () -> server.accounts().current().all().size());
        m.gauge("liaison_registered_users", "Users with at least one device registered now",
                () -> registeredUsers(server));
        m.sip(server.edge().counters());
        m.gauge("liaison_sip_transactions", "SIP transactions (server and client) in flight",
                () -> server.edge().transactionsInFlight());
        m.counter("liaison_auth_failures", "Failed digest authentications", () -> server.auth().failures());
        m.counter("liaison_auth_blocks", "Guessing-defence blocks and slowdowns started (pair, source or user)",
                () -> server.auth().blocks());
        m.counter("liaison_auth_refused", "Requests refused unchecked while their origin was blocked",
                () -> server.auth().refused());
        // a store that cannot count its blocks cheaply (the cluster's Redis) has no such gauge rather than an empty one
        server.auth().active().ifPresent(active -> m.labelledGauge("liaison_auth_blocks_active",
                "Guessing-defence blocks and slowdowns in force now, by what they hold back (a source and username"
                        + " pair, a whole source, a username)", "kind", AuthFailureStore.ActiveBlocks.KINDS,
                kind -> server.auth().active().orElseThrow().of(kind)));
        m.labelled("liaison_flood_drops", "Requests and datagrams dropped by the per-source flood throttle",
                "transport", List.of("udp", "stream"), transport -> "udp".equals(transport)
                        ? server.edge().counters().datagramsDropped()
                        : server.edge().counters().streamRequestsDropped());
        m.counter("liaison_overload_drops", "UDP requests dropped unparsed because they waited over half of T1 in the"
                + " socket's queue (the server was behind; their senders retransmit)",
                () -> server.edge().counters().datagramsExpired());
        m.gauge("liaison_calls_in_progress", "Calls this node's proxy carries now (answered, not yet hung up),"
                + " whether their media is relayed or not", () -> server.calls().count());
        m.counter("liaison_calls_set_up", "Calls this node's proxy saw answered, whether their media is relayed or not",
                () -> server.calls().answeredSinceStart());
        // a relay over ng reports no load here (its process has its own figures): no empty metrics for it
        server.relay().filter(relay -> relay.load().isPresent()).ifPresent(relay -> m.relay(relay::load));
        m.messages(server.messaging()::counts, server);
        server.provisioning().ifPresent(provisioning -> {
            m.labelled("liaison_provisioning_fetches", "HTTPS provisioning requests answered, by status class",
                    "class", ProvisioningCounters.STATUS_CLASSES, provisioning::fetches);
            m.counter("liaison_provisioning_enrolments", "Enrolment links redeemed (a device's first configuration)",
                    provisioning::enrolments);
        });
        server.tls().ifPresent(tls -> m.gauge("liaison_tls_certificate_expiry_timestamp_seconds",
                "When the TLS certificate presented now expires (Unix time)",
                () -> tls.notAfter().getEpochSecond()));
        server.acme().ifPresent(acme -> m.counter("liaison_acme_failed_orders",
                "ACME orders and renewals that failed (each logged with its cause; the certificate in use keeps serving)",
                acme::failedOrders));
    }

    /**
     * Accounts with a live binding: one lookup per account, in memory on one machine; in a cluster from this
     * node's copy of the bindings, kept right by Redis's change messages, so only accounts changed since the
     * last scrape are read from Redis. The cluster's figure either way.
     */
    private static long registeredUsers(ServerFigures server) {
        return server.accounts().current().all().stream()
                .filter(account -> !server.locations().lookup(account.username()).isEmpty()).count();
    }

    /** Registers the metrics of a relay run alone ({@code liaison relay}): the same names as in the server. */
    static void registerRelay(PrometheusRegistry registry, MediaRelay relay) {
        new ServerMetrics(registry).relay(relay::load);
    }

    private void sip(EdgeCounters edge) {
        labelled("liaison_sip_requests_received", "SIP requests received, by method", "method",
                EdgeCounters.METHODS, edge::requestsReceived);
        labelled("liaison_sip_responses_received", "SIP responses received from devices and peers, by status class",
                "class", EdgeCounters.STATUS_CLASSES, edge::responsesReceived);
        ResponsesSent sent = edge.responsesSent();
        labelled("liaison_sip_responses_sent", "SIP responses sent, its own and relayed ones, by the method they answer"
                + " and status class (retransmissions not counted)", List.of("method", "class"), ResponsesSent.series(),
                series -> sent.count(series.get(0), series.get(1)));
    }

    private void relay(Supplier<Optional<RelayLoad>> load) {
        gauge("liaison_relay_calls", "Calls the media relay holds", () -> load.get().orElseThrow().calls());
        gauge("liaison_relay_streams", "Media streams the relay has ports open for",
                () -> load.get().orElseThrow().streams());
        gauge("liaison_relay_ports_free", "Relay ports not reserved", () -> load.get().orElseThrow().portsFree());
        counter("liaison_relay_packets_forwarded", "Media packets the relay forwarded (RTP and RTCP, both ways)",
                () -> load.get().orElseThrow().packetsForwarded());
        counter("liaison_relay_bytes_forwarded", "Bytes of the media packets the relay forwarded",
                () -> load.get().orElseThrow().bytesForwarded());
        labelled("liaison_relay_packets_dropped", "Media packets the relay dropped, by reason", "reason",
                RELAY_DROP_REASONS, reason -> load.get().orElseThrow().dropped().getOrDefault(reason, 0L));
    }

    private void messages(Supplier<MessagingMetrics.Counts> counts, ServerFigures server) {
        counter("liaison_messages_accepted", "Chat messages taken in from local users",
                () -> counts.get().accepted());
        counter("liaison_messages_stored", "Chat messages kept for a device that was not reachable",
                () -> counts.get().stored());
        counter("liaison_messages_delivered", "Stored messages a device took", () -> counts.get().delivered());
        counter("liaison_messages_expired", "Stored messages deleted at their expiry", () -> counts.get().expired());
        counter("liaison_messages_failed", "Messages lost: not kept (a full queue, the group-post backlog) or refused by a device", () -> counts.get().failed());
        gauge("liaison_messages_queued", "Messages in the offline store now", () -> server.messages().count());
    }

    private void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(callback -> read(name, value, callback::call))
                .register(registry);
    }

    /** A gauge with one series per value of {@code label}, each read by {@code value}. */
    private void labelledGauge(String name, String help, String label, List<String> values,
            Function<String, Integer> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(label).callback(callback -> {
            for (String v : values) {
                read(name, () -> value.apply(v), read -> callback.call(read, v));
            }
        }).register(registry);
    }

    private void counter(String name, String help, DoubleSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(callback -> read(name, value, callback::call))
                .register(registry);
    }

    /** A counter with one series per value of {@code label}, each read by {@code value}. */
    private void labelled(String name, String help, String label, List<String> values,
            Function<String, Long> value) {
        labelled(name, help, List.of(label), values.stream().map(List::of).toList(),
                series -> value.apply(series.get(0)));
    }

    /** A counter with one series per list of label values in {@code series} (in the order of {@code labels}). */
    private void labelled(String name, String help, List<String> labels, List<List<String>> series,
            Function<List<String>, Long> value) {
        String[] labelNames = labels.toArray(String[]::new);
        CounterWithCallback.builder().name(name).help(help).labelNames(labelNames).callback(callback -> {
            for (List<String> values : series) {
                read(name, () -> value.apply(values), read -> callback.call(read, values.toArray(String[]::new)));
            }
        }).register(registry);
    }

    /**
     * Reads {@code value} and hands it to {@code sink}; a source that cannot be read now (Redis away)
     * leaves its metric out of this scrape instead of failing all of it.
     */
    private static void read(String name, DoubleSupplier value, DoubleConsumer sink) {
        double read;
        try {
            read = value.getAsDouble();
        } catch (RuntimeException e) {
            LOG.debug("metric {} not read: {}", name, e.toString());
            return;
        }
        sink.accept(read);
    }
}
