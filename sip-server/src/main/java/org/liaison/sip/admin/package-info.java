/**
 * The admin listener (issue 14): {@code /metrics} in the Prometheus text format, {@code /health/live}
 * and {@code /health/ready}, the status page at {@code /} with its {@code /status.json}, and
 * {@code bin/liaison status}, which reads {@code /metrics}. The figures are read, at each scrape, from
 * counters the other packages and modules already keep ({@link org.liaison.sip.admin.ServerFigures});
 * none of them depends on this package or on the Prometheus client. Depends on {@code edge},
 * {@code auth}, {@code media}, {@code registrar}, {@code cluster}, {@code tls}, {@code config}
 * [+ im, media-relay, provisioning, Netty, the Prometheus client]; only {@code org.liaison.sip} uses it.
 */
package org.liaison.sip.admin;
