package org.liaison.sip.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A JMH benchmark thread's own CPU time per operation, printed at the end of each iteration. JMH's score is wall
 * time, which other processes on a shared machine stretch; this they do not (nor is the JIT's or the GC's work in
 * it). A benchmark method takes it as a parameter (JMH's per-thread state) and calls {@link #count} once per
 * operation.
 */
@State(Scope.Thread)
public class ThreadCpuMeter {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long operations;
    private long cpuAtStart;
    private long operationsAtStart;

    public void count() {
        operations++;
    }

    @Setup(Level.Iteration)
    public void iterationStarts() {
        cpuAtStart = THREADS.getCurrentThreadCpuTime();
        operationsAtStart = operations;
    }

    @TearDown(Level.Iteration)
    public void iterationEnds() {
        long done = operations - operationsAtStart;
        if (done > 0) {
            System.out.printf("  thread CPU %.0f ns/op over %d ops%n",
                    (THREADS.getCurrentThreadCpuTime() - cpuAtStart) / (double) done, done);
        }
    }
}
