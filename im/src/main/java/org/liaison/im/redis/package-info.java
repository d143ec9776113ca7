/**
 * The cluster's offline store: {@link org.liaison.im.redis.RedisOfflineStore}, the same
 * {@link org.liaison.im.OfflineStore} as the file store, kept in Redis so that every node
 * stores, delivers and forgets the same messages (used only when {@code cluster.redis-uri} is
 * set). Each operation is one Lua script (Redis runs it atomically; the keys are listed in
 * {@code common.lua}); {@link org.liaison.im.redis.RedisDurability} refuses a Redis that does not
 * put every write on disk before answering, and {@link org.liaison.im.redis.ReplicaConfirmation} has a stored message
 * confirmed by replicas before its 202 when the node is told to. {@link org.liaison.im.redis.RedisDeliveryLeases}: one
 * delivery per device across the nodes. {@link org.liaison.im.redis.EmptyQueues}: what the node knows of users
 * with nothing waiting (sip-server keeps it right by a subscription). Both stores use the node's one connection, handed in as a
 * {@link org.liaison.im.redis.SharedRedis}. Depends on {@code org.liaison.im} only; nothing there
 * depends on it.
 */
package org.liaison.im.redis;
