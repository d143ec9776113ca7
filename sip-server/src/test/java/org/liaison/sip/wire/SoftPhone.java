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
    /** The programs behind this interface; baresip answers every call and chats only with its one contact. */
    enum Kind {
        LINPHONEC, BARESIP;

        /** Longer than any call of a test. */
        private static final Duration TONE = Duration.ofSeconds(30);

        /**
         * Starts this client for {@code account} in {@code parent/name}: {@code answers} calls by itself
         * (baresip always does), chats with {@code chatPeer} (baresip with no one else; may be null).
         */
        SoftPhone start(Path parent, String name, SipAccount account, boolean answers, String chatPeer)
                throws IOException {
            return switch (this) {
                case LINPHONEC -> Linphonec.start(parent, name, account, answers);
                case BARESIP -> Baresip.start(parent, name, account, chatPeer);
            };
        }

        /**
         * Starts this client as {@link #start} does, its microphone playing a {@code hz} sine (at the
         * rate the client reads) and what it hears recorded ({@link SoftPhone#heard()}).
         */
        SoftPhone startPlaying(Path parent, String name, SipAccount account, boolean answers, int hz)
                throws IOException {
            Path microphone = parent.resolve(name + "-" + hz + ".wav");
            return switch (this) {
                case LINPHONEC -> {
                    Linphonec phone = Linphonec.start(parent, name, account, answers);
                    phone.useFiles(Tone.write(microphone, hz, TONE, 8000, 1), parent.resolve(name + "-heard.wav"));
                    yield phone;
                }
                case BARESIP -> Baresip.start(parent, name, account, null,
                        new Baresip.Media(null, Tone.write(microphone, hz, TONE, 48000, 2)));
            };
        }
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

    /** The recording of what this client heard in its call; complete once the client has quit. */
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
