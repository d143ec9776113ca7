/**
 * Cluster mode (issue 10): the one connection to the Redis that the nodes of a domain share.
 * Stores that keep their state there (registrations so far) take a {@link org.liaison.sip.cluster.ClusterRedis};
 * a store that cannot reach it throws {@link org.liaison.sip.cluster.SharedStateUnavailable}, which
 * the router answers 503; it depends on no other package of ours.
 */
package org.liaison.sip.cluster;
