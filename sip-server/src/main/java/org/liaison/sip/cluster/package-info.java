/**
 * Cluster mode (issue 10): the one connection to the Redis that the nodes of a domain share.
 * Stores that keep their state there (registrations, keys, tokens, the guessing defence's counts) take a {@link org.liaison.sip.cluster.ClusterRedis};
 * a store that cannot reach it throws {@link org.liaison.sip.cluster.SharedStateUnavailable}, which
 * the router answers 503. {@link org.liaison.sip.cluster.SharedSecrets} holds the keys every node must
 * share (route token, node handoffs), {@link org.liaison.sip.cluster.RedisEnrolmentTokens} the provisioning
 * module's enrolment tokens, {@link org.liaison.sip.cluster.RedisAuthFailures} {@code auth}'s guessing defence's
 * counts and blocks,
 * {@link org.liaison.sip.cluster.KnownEmptyQueues} the users im's store has nothing waiting for,
 * {@link org.liaison.sip.cluster.RedisTlsIdentity} and {@link org.liaison.sip.cluster.RedisAcmeState} the TLS
 * identity and ACME's certificate every node serves. Of sip-server's packages it depends on {@code auth},
 * {@code tls} and {@code tls.acme} (the interfaces of those stores) and {@code config} (their settings); of im,
 * on the {@code EmptyQueues} port.
 */
package org.liaison.sip.cluster;
