package org.liaison.sip.edge;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.liaison.sip.testing.ThreadCpuMeter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 12: {@link StrictSyntax#check} on the datagrams of bench/bench-sip.sh's REGISTER and MESSAGE
 * scenarios, byte for byte as SIPp sends them (the request with credentials, and the callee's 200 to a
 * proxied MESSAGE). Prints the thread's own CPU per check, which the shared machine's other processes
 * do not stretch. Run with {@code bench/bench-jmh.sh StrictSyntaxBenchmark}; not a test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StrictSyntaxBenchmark {
    static final byte[] REGISTER = datagram("REGISTER sip:bench.local SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:40522;branch=z9hG4bK-5320-17-2\r\nMax-Forwards: 70\r\n"
            + "From: <sip:u0017@bench.local>;tag=5320r17\r\nTo: <sip:u0017@bench.local>\r\n"
            + "Call-ID: 17-5320@127.0.0.1\r\nCSeq: 2 REGISTER\r\nContact: <sip:u0017@127.0.0.1:40522>\r\n"
            + "Authorization: Digest username=\"u0017\",realm=\"bench.local\",cnonce=\"6b8b4567\",nc=00000001,qop=auth,"
            + "uri=\"sip:127.0.0.1:5060\",nonce=\"AAABk_xPZ2kAAAAAyT3q4lWrT9Cw5VnWUJrPG4Ngl0Q\","
            + "response=\"6629fae49393a05397450978507c4ef1\",algorithm=MD5\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n");
    static final byte[] MESSAGE = datagram("MESSAGE sip:u1999@bench.local SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:40523;branch=z9hG4bK-5321-17-2\r\nMax-Forwards: 70\r\n"
            + "From: <sip:u0017@bench.local>;tag=5321m17\r\nTo: <sip:u1999@bench.local>\r\n"
            + "Call-ID: 17-5321@127.0.0.1\r\nCSeq: 2 MESSAGE\r\n"
            + "Authorization: Digest username=\"u0017\",realm=\"bench.local\",cnonce=\"6b8b4567\",nc=00000001,qop=auth,"
            + "uri=\"sip:u1999@bench.local\",nonce=\"AAABk_xPZ2kAAAAAyT3q4lWrT9Cw5VnWUJrPG4Ngl0Q\","
            + "response=\"6629fae49393a05397450978507c4ef1\",algorithm=MD5\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 97\r\n\r\n"
            + "Benchmark message 17 from u0017: one hundred bytes of text, more or less, as chat is.            ");
    static final byte[] OK_FROM_CALLEE = datagram("SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK8a1f3c0d2e;rport=5060, "
            + "SIP/2.0/UDP 127.0.0.1:40523;branch=z9hG4bK-5321-17-2;received=127.0.0.1;rport=40523\r\n"
            + "From: <sip:u0017@bench.local>;tag=5321m17\r\nTo: <sip:u1999@bench.local>;tag=29976SIPpTag0117\r\n"
            + "Call-ID: 17-5321@127.0.0.1\r\nCSeq: 2 MESSAGE\r\nContent-Length: 0\r\n\r\n");

    @Benchmark
    public Optional<StrictSyntax.Violation> register(ThreadCpuMeter cpu) {
        cpu.count();
        return StrictSyntax.check(REGISTER, REGISTER.length);
    }

    /** The MESSAGE with credentials and the callee's 200 to its proxied copy: the two datagrams per MESSAGE that carry text. */
    @Benchmark
    public boolean message(ThreadCpuMeter cpu) {
        cpu.count();
        return StrictSyntax.check(MESSAGE, MESSAGE.length).isEmpty() & StrictSyntax.check(OK_FROM_CALLEE, OK_FROM_CALLEE.length).isEmpty();
    }

    private static byte[] datagram(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
