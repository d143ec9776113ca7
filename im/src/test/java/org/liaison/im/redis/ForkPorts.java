package org.liaison.im.redis;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A test JVM's own slice of a port range. Surefire runs two test JVMs side by side (pom.xml, forkCount) and numbers
 * them in the system property {@code liaison.test.fork}: each takes ports only from its slice, so the two never pick
 * the same port between checking it free and binding it. The ranges given here lie outside Linux's ephemeral range
 * (32768-60999), from which every outgoing connection of either JVM, and of the clients the tests start, takes its
 * local port.
 */
public final class ForkPorts {
    private static final int FORKS = 2;

    private final int low;
    private final int high;
    private int next;

    /** The slice of [{@code low}, {@code high}) that belongs to this JVM, walked from a random point. */
    public ForkPorts(int low, int high) {
        int fork = Math.floorMod(Integer.getInteger("liaison.test.fork", 1) - 1, FORKS);
        int size = (high - low) / FORKS;
        this.low = low + fork * size;
        this.high = this.low + size;
        this.next = this.low + ThreadLocalRandom.current().nextInt(size);
    }

    /** The first of {@code count} consecutive ports after the last one handed out (wrapping), not yet checked free. */
    public synchronized int nextBlock(int count) {
        if (next + count > high) {
            next = low;
        }
        int first = next;
        next += count;
        return first;
    }
}
