package org.liaison.media;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/** A relay port range on loopback that nobody holds right now (other tests run beside ours). */
public final class FreePortRange {
    private FreePortRange() {
    }

    /** {@code pairs} port pairs: {first (even), last}. */
    public static int[] of(int pairs) {
        for (int attempt = 0; attempt < 100; attempt++) {
            // below Linux's ephemeral range (32768-60999), where any socket of any process may land
            int first = 20000 + 2 * ThreadLocalRandom.current().nextInt(6000);
            int last = first + 2 * pairs - 1;
            if (allFree(first, last)) {
                return new int[] {first, last};
            }
        }
        throw new AssertionError("no free range of " + pairs + " port pairs on loopback");
    }

    private static boolean allFree(int first, int last) {
        for (int port = first; port <= last; port++) {
            InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            try (DatagramSocket probe = new DatagramSocket(local)) {
                probe.setReuseAddress(false);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
