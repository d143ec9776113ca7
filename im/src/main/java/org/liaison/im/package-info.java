/**
 * What happens to a chat message (RFC 3428 MESSAGE) that no device of its recipient took.
 *
 * <p>The public surface is {@link org.liaison.im.OfflineStore} and its records, and
 * {@link org.liaison.im.DeliveryLeases} (who delivers to a device now; in memory on one machine); the one machine's
 * implementation, {@link org.liaison.im.FileOfflineStore}, keeps its helpers package-private; the
 * cluster's, in Redis, is {@code org.liaison.im.redis}'s (which depends on this package, never the
 * other way). What to keep, for whom, and delivery to each device are
 * {@code org.liaison.im.messaging}'s, through the interface only.
 *
 * <p><b>Why plain files, not an embedded database.</b> The module may use only the JDK. The
 * data is small (capped per user), written once, read in arrival order and deleted whole, which
 * is exactly what a file per message gives, with crash safety from two well-known moves:
 * write-temp/force/rename/force-directory for messages and a forced, CRC-framed append log for
 * acknowledgements. The cost is one to three fsyncs per stored message and one per
 * acknowledgement, under the recipient's own lock (a group post is one file for all its members);
 * that bounds throughput to the disk's fsync rate, fine for offline chat and the first thing to
 * revisit (group commit) if it is ever not.
 *
 * <p><b>Exactly once per device, and where it ends.</b> The store guarantees that a device
 * which was recorded as having a message is never offered it again, across restarts. The
 * delivery side must acknowledge only after the device's 2xx; a crash between that 2xx and
 * {@code acknowledge} returning means one redelivery, which the device can recognise by the
 * unchanged Call-ID.
 */
package org.liaison.im;
