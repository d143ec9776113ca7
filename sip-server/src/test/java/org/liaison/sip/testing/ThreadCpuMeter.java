package org.liaison.sip.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A JMH benchmark thread's own CPU time per operation, printed at the end of each iteration. JMH's score is wall
 * time, which other processes on a shared machine stretch; this they do not (nor is the JIT's or the GC's work in
 * it). The benchmark calls {@link #count} once per operation and the two iteration hooks from its own
 * {@code @Setup(Level.Iteration)} and {@code @TearDown(Level.Iteration)}.
 */
public final class ThreadCpuMeter {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final String unit;
    private final double nanosPerUnit;
    private long operations;
    private long cpuAtStart;
    private long operationsAtStart;

    /** Prints in {@code unit}, of which there are {@code nanosPerUnit} nanoseconds ("ns", 1; "us", 1000). */
    public ThreadCpuMeter(String unit, double nanosPerUnit) {
        this.unit = unit;
        this.nanosPerUnit = nanosPerUnit;
    }

    public void count() {
        operations++;
    }

    public void iterationStarts() {
        cpuAtStart = THREADS.getCurrentThreadCpuTime();
        operationsAtStart = operations;
    }

    public void iterationEnds() {
        long done = operations - operationsAtStart;
        if (done > 0) {
            System.out.printf("  thread CPU %.1f %s/op over %d ops%n",
                    (THREADS.getCurrentThreadCpuTime() - cpuAtStart) / nanosPerUnit / done, unit, done);
        }
    }
}
