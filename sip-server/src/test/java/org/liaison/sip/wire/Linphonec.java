package org.liaison.sip.wire;

import org.liaison.sip.testing.LogFiles;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.Trees;

/**
 * linphonec (liblinphone's command-line client) driven headless: a generated linphonerc in its own
 * directory, commands written to its standard input, answers read from its output and its log
 * ({@code -d 6} logs every SIP message and every state change).
 *
 * <p>Two things it needs that are easy to miss: {@code $HOME/.local/share/linphone} must exist, or
 * liblinphone 5.1 never opens its database and silently never starts the network; and after a
 * refused registration it asks for a password on standard input, so such an instance is killed
 * rather than told to quit.
 */
final class Linphonec implements SoftPhone {
    /** Output lines may start with any number of prompts. */
    static final String PROMPT = "^(?:linphonec> )*";
    private static final String REGISTRATION_RESULT = "to \\[LinphoneRegistration(Ok|Failed)\\]";

    private final String name;
    private final SipAccount account;
    private final ChildProcess process;
    private final Path dir;
    private final int sipPort;
    private Path speaker;

    private Linphonec(String name, SipAccount account, ChildProcess process, Path dir, int sipPort) {
        this.name = name;
        this.account = account;
        this.process = process;
        this.dir = dir;
        this.sipPort = sipPort;
    }

    /** Starts linphonec for {@code account} in {@code parent/name}; {@code autoAnswer} adds {@code -a}. */
    static Linphonec start(Path parent, String name, SipAccount account, boolean autoAnswer) throws IOException {
        // over TLS the signalling is safe for SDES keys: insist on SRTP as a staff phone would
        return start(parent, name, account, autoAnswer, account.tlsCa().isPresent() ? "srtp" : "none");
    }

    /**
     * Starts linphonec with {@code mediaEncryption} ({@code srtp}, {@code zrtp}, {@code dtls}: then
     * mandatory, a call without it fails; {@code none}: plain RTP).
     */
    static Linphonec start(Path parent, String name, SipAccount account, boolean autoAnswer, String mediaEncryption)
            throws IOException {
        return start(parent, name, account, autoAnswer, mediaEncryption, false);
    }

    /**
     * Starts linphonec as {@link #start(Path, String, SipAccount, boolean)} does, publishing its own
     * presence (RFC 3903 PUBLISH from its account, {@code publish=1}) as the {@code status} command sets it.
     */
    static Linphonec publishing(Path parent, String name, SipAccount account, boolean autoAnswer) throws IOException {
        return start(parent, name, account, autoAnswer, account.tlsCa().isPresent() ? "srtp" : "none", true);
    }

    private static Linphonec start(Path parent, String name, SipAccount account, boolean autoAnswer,
            String mediaEncryption, boolean publishes) throws IOException {
        int sipPort = FreePorts.udpAndTcp();
        int rtp = UdpPorts.freeBlock(20);
        return launch(parent, name, account, linphonerc(account, sipPort, rtp, mediaEncryption, publishes), sipPort,
                autoAnswer);
    }

    /**
     * liblinphone as {@link #publishing} starts it, behind a console that has the command linphonec 5.1
     * lost: {@code status online|busy|do-not-disturb|offline} sets the presence liblinphone publishes
     * ({@code linphone_core_set_consolidated_presence}); {@code quit} stops it as linphonec's does. It
     * registers and publishes (logged as linphonec logs); it neither calls nor chats.
     */
    static Linphonec withStatusCommand(Path parent, String name, SipAccount account) throws IOException {
        Path console;
        try {
            console = Path.of(Linphonec.class.getResource("/linphone/linphonec-status.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        int sipPort = FreePorts.udpAndTcp();
        String linphonerc = linphonerc(account, sipPort, UdpPorts.freeBlock(20), "none", true);
        return launch(List.of(Tools.require("python3").toString(), console.toString()), parent, name, account,
                linphonerc, sipPort, false);
    }

    /**
     * Starts linphonec knowing nothing but its ports and {@code [misc] config-uri}: everything else,
     * account and credentials included, comes from that URL (liblinphone's remote provisioning,
     * fetched before the core starts). {@code caPem} is the one CA it trusts, for HTTPS and SIP/TLS.
     */
    static Linphonec provisioned(Path parent, String name, String configUri, Path caPem) throws IOException {
        int sipPort = FreePorts.udpAndTcp();
        return withConfig(parent, name, "[sip]\n"
                + "sip_port=0\nsip_tcp_port=0\nsip_tls_port=" + sipPort + "\n"
                + "bind_address=127.0.0.1\n"
                + "root_ca=" + caPem + "\nverify_server_certs=1\nverify_server_cn=1\n"
                + "[misc]\n"
                + "config-uri=" + configUri + "\n"
                // download every shared file as its MESSAGE arrives (0 = no size limit; the default -1 never does)
                + "[app]\n"
                + "auto_download_incoming_files_max_size=0\n", sipPort);
    }

    /** Starts another linphonec on a copy of this one's configuration file (as a restarted app would be). */
    Linphonec restartedAs(Path parent, String newName) throws IOException {
        return withConfig(parent, newName, linphonerc(), sipPort);
    }

    /**
     * Starts another linphonec on a copy of this one's configuration AND its chat history (liblinphone's
     * database under its HOME), as the same phone coming back: it knows the messages it sent, so a
     * receipt for one of them changes that message's state. This one must have quit.
     */
    Linphonec restartedWithHistoryAs(Path parent, String newName) throws IOException {
        Trees.copy(dir.resolve("home"), Files.createDirectories(parent.resolve(newName)).resolve("home"));
        return restartedAs(parent, newName);
    }

    private static Linphonec withConfig(Path parent, String name, String linphonerc, int sipPort) throws IOException {
        return launch(parent, name, null, linphonerc, sipPort, false);
    }

    /** Runs linphonec on {@code linphonerc} in {@code parent/name}; {@code autoAnswer} adds {@code -a}. */
    private static Linphonec launch(Path parent, String name, SipAccount account, String linphonerc, int sipPort,
            boolean autoAnswer) throws IOException {
        return launch(List.of(Tools.require("linphonec").toString()), parent, name, account, linphonerc, sipPort,
                autoAnswer);
    }

    /** Runs {@code program} with linphonec's options on {@code linphonerc} in {@code parent/name}. */
    private static Linphonec launch(List<String> program, Path parent, String name, SipAccount account,
            String linphonerc, int sipPort, boolean autoAnswer) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name));
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve(".local/share/linphone"));
        Path config = dir.resolve("linphonerc");
        Files.writeString(config, linphonerc);
        List<String> cmd = new ArrayList<>(program);
        cmd.addAll(List.of("-c", config.toString(), "-d", "6", "-l", dir.resolve("log").toString()));
        if (autoAnswer) {
            cmd.add("-a");
        }
        ChildProcess process = ChildProcess.start("linphonec " + name, cmd, dir, dir.resolve("out"),
                Map.of("HOME", home.toString()));
        return new Linphonec(name, account, process, dir, sipPort);
    }

    /** The configuration file as linphonec keeps it (after remote provisioning, what it was given). */
    String linphonerc() {
        return LogFiles.read(dir.resolve("linphonerc"));
    }

    private static String linphonerc(SipAccount a, int sipPort, int rtp, String mediaEncryption, boolean publishes) {
        boolean secure = a.tlsCa().isPresent();
        String server = a.serverHost() + ':' + a.serverPort() + ";transport=" + a.transport();
        StringBuilder rc = new StringBuilder();
        rc.append("[sip]\n")
                .append("sip_port=").append(secure ? 0 : sipPort).append('\n')
                .append("sip_tcp_port=0\n")
                .append("sip_tls_port=").append(secure ? sipPort : 0).append('\n')
                .append("bind_address=127.0.0.1\n")
                .append("default_proxy=0\n")
                .append("media_encryption=").append(mediaEncryption).append('\n')
                .append("media_encryption_mandatory=").append("none".equals(mediaEncryption) ? 0 : 1).append('\n');
        if (secure) {
            // linphone ships its own CA bundle: a private CA must be named (root_ca), and the name checked
            rc.append("root_ca=").append(a.tlsCa().get()).append('\n')
                    .append("verify_server_certs=1\nverify_server_cn=1\n");
        }
        rc.append("[rtp]\n")
                .append("bind_address=127.0.0.1\n")
                .append("audio_rtp_port=").append(rtp).append('-').append(rtp + 9).append('\n')
                .append("video_rtp_port=").append(rtp + 10).append('-').append(rtp + 14).append('\n')
                .append("text_rtp_port=").append(rtp + 15).append('-').append(rtp + 19).append('\n')
                .append("[sound]\necho_cancellation=0\n")
                .append("[video]\ncapture=0\ndisplay=0\nautomatically_initiate=0\nautomatically_accept=0\n")
                .append("[proxy_0]\n")
                .append("reg_proxy=<sip:").append(server).append(">\n")
                .append("reg_route=<sip:").append(server).append(";lr>\n")
                .append("reg_identity=").append(a.aor()).append('\n')
                .append("reg_expires=300\nreg_sendregister=1\n")
                .append("publish=").append(publishes ? 1 : 0).append('\n')
                .append("dial_escape_plus=0\n")
                .append("[auth_info_0]\n")
                .append("username=").append(a.user()).append('\n')
                .append("passwd=").append(a.password()).append('\n');
        // G.711 only: what every desk phone has
        String[][] codecs = {{"PCMU", "8000", "1", "1"}, {"PCMA", "8000", "1", "1"}, {"opus", "48000", "2", "0"},
            {"speex", "16000", "1", "0"}, {"speex", "8000", "1", "0"}, {"speex", "32000", "1", "0"},
            {"G722", "8000", "1", "0"}, {"GSM", "8000", "1", "0"}, {"G729", "8000", "1", "0"}};
        for (int i = 0; i < codecs.length; i++) {
            rc.append("[audio_codec_").append(i).append("]\nmime=").append(codecs[i][0])
                    .append("\nrate=").append(codecs[i][1]).append("\nchannels=").append(codecs[i][2])
                    .append("\nenabled=").append(codecs[i][3]).append('\n');
        }
        return rc.toString();
    }

    void command(String line) {
        process.send(line);
    }

    /** Places a call to {@code uri}, e.g. {@code sip:bob@liaison.test}. */
    @Override
    public void call(String uri) {
        command("call " + uri);
    }

    /** Sends {@code text} as a chat message (SIP MESSAGE) to {@code uri}; the rest of the line is the text, verbatim. */
    @Override
    public void chat(String uri, String text) {
        command("chat " + uri + " " + text);
    }

    /**
     * The text of the first chat message received from {@code fromAor} whose text contains {@code marker},
     * as linphonec prints it ({@code Message received from sip:a@dom: TEXT}); empty if none came in time.
     */
    @Override
    public Optional<String> awaitChat(String fromAor, String marker, Duration timeout) {
        return LogFiles.match(dir.resolve("out"), PROMPT + "Message received from (?:[^<\\n]*<)?" + Pattern.quote(fromAor)
                + ">?: (.*" + Pattern.quote(marker) + ".*?)\\r?$", timeout).map(m -> m.group(1));
    }

    /**
     * No sound card: the call sends {@code microphone} (a WAV file, 8 kHz mono) and records what it
     * hears to {@code speaker}. Given before the call.
     */
    void useFiles(Path microphone, Path speaker) {
        command("soundcard use files");
        command("play " + microphone);
        command("record " + speaker);
        this.speaker = speaker;
    }

    /** The speaker file of {@link #useFiles}, complete once linphonec has quit. */
    @Override
    public Optional<Path> heard() {
        return Optional.ofNullable(speaker);
    }

    /** The media encryption the last call negotiated ({@code SRTP}, {@code ZRTP}, {@code DTLS}, {@code None}). */
    Optional<String> awaitEncryption(Duration timeout) {
        return LogFiles.match(dir.resolve("log"), "Negotiated media encryption is LinphoneMediaEncryption(\\w+)", timeout)
                .map(m -> m.group(1));
    }

    /** Hangs up the current call. */
    @Override
    public void hangUp() {
        command("terminate");
    }

    /** Whether {@code regex} appears on linphonec's output (prompts allowed at line start). */
    boolean awaitOutput(String regex, Duration timeout) {
        return process.awaitOutput(PROMPT + regex, timeout);
    }

    boolean awaitLog(String regex, Duration timeout) {
        return LogFiles.matches(dir.resolve("log"), regex, timeout);
    }

    /** The outcome of the first registration: "Ok" or "Failed", or empty when there was none in time. */
    String awaitRegistration(Duration timeout) {
        return LogFiles.match(dir.resolve("log"), REGISTRATION_RESULT, timeout).map(m -> m.group(1)).orElse("");
    }

    @Override
    public boolean awaitRegistered(Duration timeout) {
        return "Ok".equals(awaitRegistration(timeout));
    }

    @Override
    public boolean awaitRefused(Duration timeout) {
        return "Failed".equals(awaitRegistration(timeout));
    }

    @Override
    public boolean awaitCallConnected(Duration timeout) {
        return awaitOutput("Call \\d+ (?:with|to) .* connected", timeout);
    }

    @Override
    public boolean awaitCallEnded(Duration timeout) {
        return awaitOutput("Call \\d+ (?:with|to) .* ended", timeout);
    }

    /** Asks linphonec to unregister and exit; true if it did within the time. */
    @Override
    public boolean quit(Duration timeout) {
        command("quit");
        return process.awaitExit(timeout).isPresent();
    }

    String log() {
        return LogFiles.read(dir.resolve("log"));
    }

    /** With {@code -d 6} linphonec logs every SIP message. */
    @Override
    public String sipLog() {
        return log();
    }

    /** Everything linphonec printed so far. */
    String output() {
        return process.outputText();
    }

    int sipPort() {
        return sipPort;
    }

    /** The account it was started with; null when {@link #provisioned provisioned}. */
    SipAccount account() {
        return account;
    }

    /** The output and the end of the log, for assertion messages. */
    @Override
    public boolean awaitSip(String regex, Duration timeout) {
        return awaitLog(regex, timeout);
    }

    @Override
    public String logs() {
        return "---- linphonec " + name + " (" + dir + ")\noutput:\n" + Sipp.tail(process.outputText())
                + "\nSIP messages in the log:\n" + Sipp.tail(SipLog.messagesOfLinphone(log()));
    }

    @Override
    public void close() {
        process.close();
    }
}
