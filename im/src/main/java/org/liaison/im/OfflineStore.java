package org.liaison.im;

import java.util.List;
import java.util.Set;

/**
 * Messages waiting for the devices of a user who was offline when they arrived.
 *
 * <p><b>Who is owed a message.</b> A stored message is owed to every device of its recipient
 * that asks for it ({@link #pendingFor}) before it expires and has not acknowledged it,
 * including a device that registers for the first time after the message arrived. A device is
 * named by a key the caller chooses (the {@code +sip.instance}, else the Contact URI); the store
 * only compares keys for equality.
 *
 * <p><b>When a message is deleted.</b> Only two things delete a message:
 * <ul>
 *   <li>{@link #purgeExpired()}: it has reached {@link StoredMessage#expiresAt()};</li>
 *   <li>{@link #forgetDelivered}: every device the caller names as known for the recipient
 *       has acknowledged it. A device first seen afterwards does not get it.</li>
 * </ul>
 * Acknowledging alone never deletes, so a user's second phone still gets the message the
 * first one took. A deleted message no longer counts against the per-user cap.
 *
 * <p><b>Caps.</b> A recipient has at most {@link OfflineStoreSettings#maxMessagesPerUser()}
 * messages waiting, at most {@link OfflineStoreSettings#maxMessagesPerSenderPerUser()} of them
 * from any one sender (a {@link NewMessage#origin()}), so one sender cannot fill a queue and
 * silence everyone else; a sender has at most {@link OfflineStoreSettings#maxMessagesPerSender()}
 * messages waiting in the whole store, a group post counting once.
 *
 * <p><b>Order.</b> Ids compare as strings in arrival order, and every list the store returns
 * is oldest first.
 *
 * <p>Implementations are safe for use by several threads. I/O failures surface as
 * {@link java.io.UncheckedIOException}; when {@link #store} throws one, nothing was stored. A store
 * on another machine that cannot be reached throws the subclass {@link StoreUnavailableException}.
 */
public interface OfflineStore extends AutoCloseable {

    /**
     * Keeps the message for its recipient's devices. When this returns the message survives a
     * crash of the process or the machine, so the caller may now answer 202 Accepted
     * (RFC 3428: 202 means accepted for later delivery, not delivered).
     *
     * @throws QueueFullException       the recipient already has the maximum of messages waiting
     * @throws SenderQueueFullException the sender already has the maximum of messages waiting for
     *                                  this recipient or in the store
     * @throws MessageTooLargeException the body is over the size limit
     * @throws IllegalArgumentException the recipient is not a name the store can keep
     */
    StoredMessage store(NewMessage message)
            throws QueueFullException, SenderQueueFullException, MessageTooLargeException;

    /**
     * Keeps a group post for each of {@code members} that has room for it (under both per-user
     * caps), as ONE message: each member's devices get it from {@link #pendingFor} with the
     * member as recipient, and acknowledge and forget it as any other. The message's own
     * recipient names the group. When this returns the post survives a crash for every member
     * named in the result. Members without room are left out; the caps may be overshot by posts
     * stored at the same instant.
     *
     * @return the members it was kept for, in the order given; empty when none had room
     * @throws SenderQueueFullException the sender already has the maximum of messages in the store
     * @throws MessageTooLargeException the body is over the size limit
     * @throws IllegalArgumentException a member is not a name the store can keep
     */
    List<String> storeForMembers(NewMessage post, List<String> members)
            throws SenderQueueFullException, MessageTooLargeException;

    /**
     * Up to {@code max} messages the device has not acknowledged and that have not expired,
     * oldest first. Acknowledge them to get the next ones.
     *
     * @throws IllegalArgumentException when {@code max} is less than 1
     */
    List<StoredMessage> pendingFor(String recipient, String deviceKey, int max);

    /**
     * Whether anything waits for the recipient, expired messages not purged yet included: one cheap
     * look before asking per device, since most registrations find nothing waiting.
     */
    boolean holdsFor(String recipient);

    /**
     * Records durably that the device has the message (the delivery got a 2xx), so it is never
     * offered to that device again, even after a restart. Acknowledging twice, or a message
     * that is gone, does nothing.
     */
    void acknowledge(String recipient, String deviceKey, String messageId);

    /**
     * Deletes the recipient's messages that every one of {@code knownDevices} has acknowledged.
     * An empty set deletes nothing: a message nobody has received is never "delivered".
     *
     * @return how many messages were deleted
     */
    int forgetDelivered(String recipient, Set<String> knownDevices);

    /**
     * Deletes every message whose {@link StoredMessage#expiresAt()} has come.
     *
     * @return how many messages were deleted
     */
    int purgeExpired();

    /** How many messages are stored, for all recipients, expired or not yet purged included. */
    int count();

    /** Releases what the store holds (a connection it shares belongs to its opener); the store is not used afterwards. */
    @Override
    void close();
}
