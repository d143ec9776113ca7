package org.liaison.im.redis;

/**
 * What this node knows of recipients with nothing waiting, so that {@link RedisOfflineStore#holdsFor} (asked after
 * every REGISTER) costs no Redis round trip for the many users whose queue is empty. Only "empty" is ever known, and
 * a queue becomes non-empty only when a script adds to it ({@code common.lua}'s {@code add_entry}), which publishes
 * the recipient's name on {@value #FILLED_CHANNEL}: an implementation must forget the recipient when it hears that,
 * and know nothing while it cannot hear the channel (sip-server's, in cluster mode, is kept right by a subscription).
 *
 * <p>An EXISTS that read "empty" just before a message was stored, and is noted just after the message's
 * {@link #filled}, would keep a wrong "empty": so {@link #mark} is taken before the read and {@link #empty} notes
 * nothing if anything was filled since that mark.
 */
public interface EmptyQueues {

    /** Where the store's scripts publish a recipient whose queue they added to (the name is in {@code common.lua}). */
    String FILLED_CHANNEL = "liaison:im:filled";

    /** Knows nothing: every check asks Redis. */
    EmptyQueues NONE = new EmptyQueues() {
        @Override
        public boolean knownEmpty(String recipient) {
            return false;
        }

        @Override
        public long mark(String recipient) {
            return 0;
        }

        @Override
        public void empty(String recipient, long mark) {
        }

        @Override
        public void filled(String recipient) {
        }
    };

    /** Whether {@code recipient}'s queue is known to be empty (false when in doubt). */
    boolean knownEmpty(String recipient);

    /** Taken before reading whether {@code recipient}'s queue exists, handed to {@link #empty}. */
    long mark(String recipient);

    /** Redis said, after {@code mark}, that {@code recipient} has nothing waiting: known, unless filled since. */
    void empty(String recipient, long mark);

    /** Something may have been stored for {@code recipient} (by this node; other nodes' come on the channel). */
    void filled(String recipient);
}
