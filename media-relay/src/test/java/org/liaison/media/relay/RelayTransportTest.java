package org.liaison.media.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both transports (native epoll and the NIO fallback) carry a packet each way between two relay ports. */
class RelayTransportTest {

    @ParameterizedTest(name = "epoll={0}")
    @ValueSource(booleans = {true, false})
    void packetsCrossTheRelayBothWays(boolean epoll) throws Exception {
        assumeTrue(!epoll || Epoll.isAvailable(), "native epoll is not available here");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (RelayTransport transport = new RelayTransport(epoll);
                Endpoint a = new Endpoint(); Endpoint b = new Endpoint()) {
            EventLoop loop = transport.nextLoop();
            Leg legA = new Leg(new LearningRule(TimeUnit.SECONDS.toNanos(3), new LongAdder(), destination -> true).newLock());
            Leg legB = new Leg(new LearningRule(TimeUnit.SECONDS.toNanos(3), new LongAdder(), destination -> true).newLock());
            Channel portA = transport.bind(loop, new InetSocketAddress(loopback, 0), new ForwardingHandler(legA));
            Channel portB = transport.bind(loop, new InetSocketAddress(loopback, 0), new ForwardingHandler(legB));
            legA.attach(portA);
            legB.attach(portB);
            Leg.pair(legA, legB);
            loop.submit(() -> {
                legA.lock.expect(new InetSocketAddress(loopback, a.port()), Optional.empty(), true);
                legB.lock.expect(new InetSocketAddress(loopback, b.port()), Optional.empty(), true);
            }).sync();

            a.send(bytes("from A"), ((InetSocketAddress) portA.localAddress()).getPort());
            assertArrayEquals(bytes("from A"), b.receive(2000));
            b.send(bytes("from B"), ((InetSocketAddress) portB.localAddress()).getPort());
            assertArrayEquals(bytes("from B"), a.receive(2000));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
