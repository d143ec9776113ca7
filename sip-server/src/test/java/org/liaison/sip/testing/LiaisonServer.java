package org.liaison.sip.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of a protocol test: the real server of each test and the user agents talking to it,
 * registered with {@code @RegisterExtension}. Before each test it starts the server from its builder
 * (unless built {@link #notStarted()}, for tests that choose their configuration) and gives every
 * {@link Agent @Agent} field a UDP user agent named after the field; after each test it closes the
 * agents and the server, failing the test if closing takes longer than {@link #CLOSE_WITHIN} (or
 * the bound given to {@link #closingWithin}).
 */
public final class LiaisonServer implements BeforeEachCallback, AfterEachCallback {
    /** Longer than a clean shutdown takes on a loaded machine; a hang past it is a bug. */
    static final Duration CLOSE_WITHIN = Duration.ofSeconds(20);

    /** A {@link TestUa} field the fixture fills: a UDP agent for the user the field is named after. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Agent {
    }

    private final TestServer.Builder builder;
    private final Duration closeWithin;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private Object testInstance;
    private Path root;
    private TestServer server;
    private int servers;

    private LiaisonServer(TestServer.Builder builder, Duration closeWithin) {
        this.builder = builder;
        this.closeWithin = closeWithin;
    }

    /** Starts {@code builder}'s server before each test. */
    public static LiaisonServer started(TestServer.Builder builder) {
        return new LiaisonServer(builder, CLOSE_WITHIN);
    }

    /** Starts nothing: the test calls {@link #start(TestServer.Builder)} with the configuration it needs. */
    public static LiaisonServer notStarted() {
        return new LiaisonServer(null, CLOSE_WITHIN);
    }

    /** This fixture, failing a test whose resources take longer than {@code bound} to close. */
    public LiaisonServer closingWithin(Duration bound) {
        return new LiaisonServer(builder, bound);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        testInstance = context.getRequiredTestInstance();
        root = Files.createTempDirectory("liaison-" + context.getRequiredTestClass().getSimpleName() + "-");
        if (builder != null) {
            start(builder);
        }
    }

    /**
     * Closes the running server and everything {@link #own owned} so far, then starts
     * {@code builder}'s server in a directory of its own and gives the {@link Agent} fields agents of
     * the new server.
     */
    public TestServer start(TestServer.Builder builder) throws Exception {
        closeAll();
        server = own(builder.start(root.resolve("server-" + ++servers)));
        for (Class<?> type = testInstance.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.isAnnotationPresent(Agent.class)) {
                    field.setAccessible(true);
                    field.set(testInstance, ua(field.getName()));
                }
            }
        }
        return server;
    }

    /** The server of this test. */
    public TestServer server() {
        if (server == null) {
            throw new IllegalStateException("no server started yet: call start(builder) first");
        }
        return server;
    }

    /** A directory of this test's own (its servers' directories are in it), deleted after the test. */
    public Path directory() {
        return root;
    }

    /** A UDP user agent of {@code user} on this test's server, closed after the test. */
    public TestUa ua(String user) throws IOException {
        return own(new TestUa(user, server()));
    }

    /** {@code closeable} (an agent, a socket, a relay), closed after the test before the server. */
    public <T extends AutoCloseable> T own(T closeable) {
        opened.push(closeable);
        return closeable;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            closeAll();
        } finally {
            deleteTree(root);
        }
    }

    /** Closes what was opened, newest first, within the bound altogether. */
    private void closeAll() throws Exception {
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            while (!opened.isEmpty()) {
                try {
                    opened.pop().close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing a test resource failed", e);
                }
            }
        }, LiaisonServer::onOwnThread);
        try {
            closing.get(closeWithin.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the server and its agents did not close within " + closeWithin, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            server = null;
        }
    }

    /** A thread of its own, not a shared pool's: a hung close must not hold up anything else. */
    private static void onOwnThread(Runnable task) {
        Thread thread = new Thread(task, "closing-test-server");
        thread.setDaemon(true);
        thread.start();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
