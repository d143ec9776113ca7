package org.liaison.sip.wire;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A real SIP client as a test drives it, whichever program it is: register, call, answer, chat,
 * hang up, and what it printed or heard. Each method says what a user would see; how a client shows
 * it (a log line, an output line) is the implementation's business.
 */
interface SoftPhone extends AutoCloseable {
    /** The programs behind this interface. */
    enum Kind {
        LINPHONEC {
            @Override
            SoftPhone start(Path parent, String name, SipAccount account, boolean answers, String chatPeer)
                    throws IOException {
                return Linphonec.start(parent, name, account, answers);
            }
        },
        /** baresip answers every call; it can chat only with {@code chatPeer}, its one contact. */
        BARESIP {
            @Override
            SoftPhone start(Path parent, String name, SipAccount account, boolean answers, String chatPeer)
                    throws IOException {
                return Baresip.start(parent, name, account, chatPeer);
            }
        };

        /** Starts this client for {@code account} in {@code parent/name}; {@code answers} calls by itself. */
        abstract SoftPhone start(Path parent, String name, SipAccount account, boolean answers, String chatPeer)
                throws IOException;
    }

    /** True once registered; false when refused or not registered in time. */
    boolean awaitRegistered(Duration timeout);

    /** True once the server refused the registration (a wrong password: 401/403). */
    boolean awaitRefused(Duration timeout);

    /** Calls {@code uri}, e.g. {@code sip:bob@liaison.test}. */
    void call(String uri);

    /** A call of this client, placed or answered, is connected. */
    boolean awaitCallConnected(Duration timeout);

    /** A call of this client ended (hung up by either side). */
    boolean awaitCallEnded(Duration timeout);

    void hangUp();

    /** Sends {@code text} as a chat message (SIP MESSAGE, RFC 3428) to {@code uri}. */
    void chat(String uri, String text);

    /** The text of the first chat message from {@code fromAor} containing {@code marker}, as shown to the user. */
    Optional<String> awaitChat(String fromAor, String marker, Duration timeout);

    /** The recording of what this client heard in its call, once complete. */
    Optional<Path> heard() throws IOException;

    /** Every SIP message the client sent and received so far, as it logs them. */
    String sipLog();

    /** Whether {@code regex} (multi-line mode) appears in {@link #sipLog()} before {@code timeout}. */
    boolean awaitSip(String regex, Duration timeout);

    /** Unregisters and exits; true if it did within the time. */
    boolean quit(Duration timeout);

    /** The client's output and SIP messages, for assertion messages. */
    String logs();

    @Override
    void close();
}
