package org.liaison.sip;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.liaison.media.MediaRelay;
import org.liaison.media.ng.NgControlServer;
import org.liaison.media.relay.RelaySessions;
import org.liaison.sip.admin.AdminService;
import org.liaison.sip.config.RelaySettings;

/**
 * What {@code bin/liaison relay} runs: the media relay, the ng server the SIP nodes control it through
 * ({@code relay.control-*}), and, unless {@code relay.metrics-port} is 0, a metrics listener of its own with the
 * liaison_relay_* figures, since no admin listener of a SIP node can read a relay in another process.
 */
public final class RelayProcess implements AutoCloseable {
    private final MediaRelay relay;
    private final NgControlServer control;
    private final Optional<AdminService> metrics;

    private RelayProcess(MediaRelay relay, NgControlServer control, Optional<AdminService> metrics) {
        this.relay = relay;
        this.control = control;
        this.metrics = metrics;
    }

    /** Starts everything {@code settings} asks for (relay.control-port is not 0); closes what started on failure. */
    public static RelayProcess start(RelaySettings settings) throws IOException {
        MediaRelay relay = RelaySessions.start(settings.toRelayConfig());
        NgControlServer control = null;
        try {
            control = NgControlServer.start(relay, settings.control());
            Optional<AdminService> metrics = Optional.empty();
            if (settings.metrics().port() != 0) {
                metrics = Optional.of(AdminService.start(settings.metrics(), Clock.systemUTC()));
                metrics.get().servingRelay(relay);
            }
            return new RelayProcess(relay, control, metrics);
        } catch (IOException | RuntimeException e) {
            if (control != null) {
                control.close();
            }
            relay.close();
            throw e;
        }
    }

    /** The port of the metrics listener; empty when relay.metrics-port is 0. */
    public Optional<Integer> metricsPort() {
        return metrics.map(AdminService::port);
    }

    @Override
    public void close() {
        metrics.ifPresent(AdminService::close);
        control.close();
        relay.close();
    }
}
