package org.liaison.sip.wire;

import org.liaison.sip.testing.LogFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.liaison.sip.testing.FreePorts;

/**
 * baresip driven headless: a generated configuration directory ({@code -f}), commands written to its
 * stdio interface (it warns that it cannot set up the terminal, then reads lines fine), results read
 * from its output, where {@code -s} also prints every SIP message. A sine generator is its
 * microphone and a do-nothing bridge its speaker: no sound card is needed. {@code net_interface}
 * must be an address: interface names fail in some sandboxes.
 *
 * <p>baresip 1.0 (Debian 12) answers MD5 digest challenges only, and gives up ("Register: Function
 * not implemented") when a response carries any SHA-256 challenge, even after an MD5 one; the
 * server offers it MD5 alone by its User-Agent ({@code auth.md5-only-user-agents}), which these
 * tests rely on by running with the shipped setting.
 */
final class Baresip implements SoftPhone {
    /** baresip's own bound on its lifetime ({@code -t}): it quits even if the test never closes it. */
    private static final int MAX_LIFETIME_SECONDS = 120;

    private final String name;
    private final SipAccount account;
    private final ChildProcess process;
    private final Path dir;
    private final String chatPeer;

    private Baresip(String name, SipAccount account, ChildProcess process, Path dir, String chatPeer) {
        this.name = name;
        this.account = account;
        this.process = process;
        this.dir = dir;
        this.chatPeer = chatPeer;
    }

    /**
     * What a baresip sends and keeps: {@code mediaenc} ({@code srtp-mand}, {@code dtls_srtp}; null =
     * plain RTP) and its microphone, a WAV file (null = a 440 Hz sine). With either set it also
     * records what it sends and hears ({@link #heard()}).
     */
    record Media(String mediaenc, Path microphone) {
        static final Media PLAIN = new Media(null, null);
    }

    /** Starts baresip for {@code account} in {@code parent/name}; it answers calls by itself. */
    static Baresip start(Path parent, String name, SipAccount account) throws IOException {
        return start(parent, name, account, null);
    }

    static Baresip start(Path parent, String name, SipAccount account, String peerUri) throws IOException {
        return start(parent, name, account, peerUri, Media.PLAIN);
    }

    /**
     * Starts baresip with {@code peerUri} (e.g. {@code sip:alice@liaison.test}) as its only, hence current,
     * contact: the one it can {@link #chat} with. A null peer leaves the contact list empty.
     */
    static Baresip start(Path parent, String name, SipAccount account, String peerUri, Media media)
            throws IOException {
        Path binary = Tools.require("baresip");
        Path modules = binary.getParent().resolveSibling("lib/baresip/modules");
        Path dir = Files.createDirectories(parent.resolve(name));
        int sipPort = FreePorts.udpAndTcpRun(2); // + 1 is its TLS listener
        int rtp = UdpPorts.freeBlock(20);
        // over TLS the signalling is safe for SDES keys: insist on SRTP unless the test chose a mode
        String mediaenc = media.mediaenc() != null ? media.mediaenc()
                : account.tlsCa().isPresent() ? "srtp-mand" : null;
        Files.writeString(dir.resolve("config"), String.join("\n",
                "poll_method\tepoll",
                "sip_listen\t127.0.0.1:" + sipPort,
                "net_interface\t127.0.0.1",
                "call_local_timeout\t30",
                "audio_player\taubridge,sink-" + name,
                "audio_alert\taubridge,alert-" + name,
                media.microphone() == null ? "audio_source\tausine,440"
                        : "audio_source\taufile," + media.microphone(),
                "ausrc_srate\t48000",
                "ausrc_channels\t2",
                "auplay_srate\t48000",
                "auplay_channels\t1",
                "rtp_ports\t" + rtp + "-" + (rtp + 19),
                "statmode_default\toff",
                "ringback_disabled\tyes",
                "module_path\t" + modules,
                "module\tstdio.so",
                "module\tg711.so",
                "module\tausine.so",
                "module\taubridge.so",
                media.equals(Media.PLAIN) ? "" : "module\taufile.so\nmodule\tsndfile.so\nsnd_path\t" + dir,
                mediaenc == null ? "" : "module\tsrtp.so\nmodule\tdtls_srtp.so",
                "module_tmp\tuuid.so",
                "module_tmp\taccount.so",
                "module_app\tmenu.so",
                "module_app\tcontact.so",
                // a private CA to trust (its own TLS listener is on sip_listen's port + 1)
                account.tlsCa().map(ca -> "sip_cafile\t" + ca).orElse(""),
                ""));
        String transport = ";transport=" + account.transport();
        String server = "sip:" + account.serverHost() + ":" + account.serverPort() + transport;
        Files.writeString(dir.resolve("accounts"), "<" + account.aor() + transport + ">;auth_pass="
                + account.password() + ";outbound=\"" + server + "\";answermode=auto;regint=300"
                + ";audio_codecs=pcmu" + (mediaenc == null ? "" : ";mediaenc=" + mediaenc) + "\n");
        Files.writeString(dir.resolve("contacts"), peerUri == null ? "" : "<" + peerUri + ">\n");
        ChildProcess process = ChildProcess.start("baresip " + name,
                List.of(binary.toString(), "-f", dir.toString(), "-s", "-t", Integer.toString(MAX_LIFETIME_SECONDS)),
                dir, dir.resolve("out"), Map.of("HOME", dir.toString()));
        return new Baresip(name, account, process, dir, peerUri);
    }

    void command(String line) {
        process.send(line);
    }

    @Override
    public void call(String uri) {
        command("/dial " + uri);
    }

    /** Sends {@code text} to the current contact, the peer it was started with: {@code uri} must name it. */
    @Override
    public void chat(String uri, String text) {
        if (!uri.equals(chatPeer)) {
            throw new IllegalArgumentException("baresip " + name + " chats only with " + chatPeer + ", not " + uri);
        }
        command("/message " + text);
    }

    /**
     * The text of the first chat message received from {@code fromAor} whose text contains {@code marker},
     * as baresip prints it ({@code sip:a@dom: "TEXT"}); empty if none came in time.
     */
    @Override
    public Optional<String> awaitChat(String fromAor, String marker, Duration timeout) {
        return LogFiles.match(dir.resolve("out"), "(?:^|\\r)" + Pattern.quote(fromAor) + ": \"(.*"
                + Pattern.quote(marker) + ".*)\"\\r?$", timeout).map(m -> m.group(1));
    }

    @Override
    public void hangUp() {
        command("/hangup");
    }

    /** The recording of what this baresip heard in its call (its sndfile {@code dump-*-dec.wav}). */
    @Override
    public Optional<Path> heard() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("dump-.*-dec\\.wav")).findFirst();
        }
    }

    boolean awaitOutput(String regex, Duration timeout) {
        return process.awaitOutput(regex, timeout);
    }

    /**
     * "ok" once registered; else the line saying why not (baresip prints {@code reg: <aor>: 401 ...}
     * for a refusal and {@code reg: <aor>: Register: <error>} when it cannot answer a challenge);
     * empty if nothing came in time.
     */
    String awaitRegistration(Duration timeout) {
        return LogFiles.match(dir.resolve("out"),
                "(registered successfully)|(reg: .*)|(.*init failed.*)|(module .*: No such file.*)",
                timeout).map(m -> m.group(1) != null ? "ok" : m.group().trim()).orElse("");
    }

    @Override
    public boolean awaitRegistered(Duration timeout) {
        return "ok".equals(awaitRegistration(timeout));
    }

    @Override
    public boolean awaitRefused(Duration timeout) {
        return awaitRegistration(timeout).matches("reg: .*: 40[13] .*");
    }

    @Override
    public boolean awaitCallConnected(Duration timeout) {
        return awaitOutput("Call established", timeout);
    }

    @Override
    public boolean awaitCallEnded(Duration timeout) {
        return awaitOutput("(?i)terminated|session closed", timeout);
    }

    @Override
    public boolean quit(Duration timeout) {
        command("/quit");
        return process.awaitExit(timeout).isPresent();
    }

    SipAccount account() {
        return account;
    }

    /** With {@code -s} baresip prints every SIP message on its output. */
    @Override
    public String sipLog() {
        return process.outputText();
    }

    @Override
    public boolean awaitSip(String regex, Duration timeout) {
        return awaitOutput(regex, timeout);
    }

    @Override
    public String logs() {
        return "---- baresip " + name + " (" + dir + ")\n" + Sipp.tail(process.outputText());
    }

    @Override
    public void close() {
        process.close();
    }
}
