/**
 * Cluster mode (issue 10): the one connection to the Redis that the nodes of a domain share.
 * Stores that keep their state there (registrations so far) take a {@link org.liaison.sip.cluster.ClusterRedis};
 * {@link org.liaison.sip.cluster.SharedSecrets} holds the keys every node must share (route token, nonces),
 * {@link org.liaison.sip.cluster.RedisEnrolmentTokens} the provisioning module's enrolment tokens,
 * {@link org.liaison.sip.cluster.RedisNonceCounts} the digest replay table of {@code auth}.
 * It depends on no other package of sip-server.
 */
package org.liaison.sip.cluster;
