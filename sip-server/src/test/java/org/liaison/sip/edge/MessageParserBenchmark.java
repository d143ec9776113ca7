package org.liaison.sip.edge;

import gov.nist.core.CommonLogger;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.text.ParseException;
import java.util.concurrent.TimeUnit;
import org.liaison.sip.testing.ThreadCpuMeter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 12: parsing alone, JAIN-SIP's StringMsgParser ({@code stock}) against {@link EdgeMessageParser}
 * ({@code edge}), on StrictSyntaxBenchmark's datagrams of bench/bench-sip.sh (SIPp's REGISTER and MESSAGE with
 * credentials, the callee's 200), each parsed as the UDP channel parses it, by one parser kept per thread. Prints
 * the thread's own CPU per parse. Run with {@code bench/bench-jmh.sh MessageParserBenchmark}; not a test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// the JIT needs about 20 s of these parses to settle on a shared, loaded machine
@Warmup(iterations = 15, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MessageParserBenchmark {
    @Param({"stock", "edge"})
    public String parser;

    private StringMsgParser messageParser;

    @Setup(Level.Trial)
    public void start() {
        CommonLogger.legacyLogger = new StackLogBridge();
        messageParser = parser.equals("stock") ? new StringMsgParser() : new EdgeMessageParser(null);
    }

    @Benchmark
    public SIPMessage register(ThreadCpuMeter cpu) throws ParseException {
        return parse(cpu, StrictSyntaxBenchmark.REGISTER);
    }

    @Benchmark
    public SIPMessage message(ThreadCpuMeter cpu) throws ParseException {
        return parse(cpu, StrictSyntaxBenchmark.MESSAGE);
    }

    @Benchmark
    public SIPMessage ok(ThreadCpuMeter cpu) throws ParseException {
        return parse(cpu, StrictSyntaxBenchmark.OK_FROM_CALLEE);
    }

    private SIPMessage parse(ThreadCpuMeter cpu, byte[] datagram) throws ParseException {
        cpu.count();
        return messageParser.parseSIPMessage(datagram, true, false, null);
    }
}
