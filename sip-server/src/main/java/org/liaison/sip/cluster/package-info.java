/**
 * Cluster mode (issue 10): the one connection to the Redis that the nodes of a domain share.
 * Stores that keep their state there (registrations so far) take a {@link org.liaison.sip.cluster.ClusterRedis};
 * it depends on no other package of ours.
 */
package org.liaison.sip.cluster;
