package org.liaison.sip.tls.acme;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain-HTTP listener of {@code sip.tls.acme.http-port}: answers the CA's HTTP-01 requests
 * ({@code GET /.well-known/acme-challenge/TOKEN}, RFC 8555 §8.3) with the key authorization of a challenge under
 * way, and sends every other request to the HTTPS service (301), as a web server with automatic certificates does.
 * Nothing else is served over plain HTTP: provisioning carries credentials.
 */
final class Http01Listener implements AutoCloseable {
    static final String CHALLENGE_PATH = "/.well-known/acme-challenge/";
    private static final Logger LOG = LoggerFactory.getLogger(Http01Listener.class);
    /** RFC 8555 §8.3: the token is base64url. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    private final Map<String, String> keyAuthorizations = new ConcurrentHashMap<>();
    private final List<HttpServer> servers = new ArrayList<>();
    private final URI httpsBase;

    private Http01Listener(URI httpsBase) {
        this.httpsBase = httpsBase;
    }

    /**
     * Listens on {@code port} of each of {@code addresses}; an address it cannot bind (port 80 without the
     * capability to) is logged, once, with what to do, and the others serve.
     */
    static Http01Listener open(List<InetAddress> addresses, int port, URI httpsBase) {
        Http01Listener listener = new Http01Listener(httpsBase);
        for (InetAddress address : addresses) {
            InetSocketAddress where = new InetSocketAddress(address, port);
            try {
                HttpServer server = HttpServer.create(where, 16);
                server.createContext("/", listener::handle);
                server.start();
                listener.servers.add(server);
            } catch (IOException e) {
                LOG.error("acme: cannot listen on {} for HTTP-01 challenges ({}): the CA cannot check this server;"
                        + " give the service CAP_NET_BIND_SERVICE (AmbientCapabilities= in its systemd unit) or set"
                        + " sip.tls.acme.http-port and forward port 80 to it", where, e.getMessage());
            }
        }
        return listener;
    }

    /** Answers the CA's request for {@code token} with {@code keyAuthorization} until {@link #withdraw}. */
    void publish(String token, String keyAuthorization) {
        keyAuthorizations.put(token, keyAuthorization);
    }

    void withdraw(String token) {
        keyAuthorizations.remove(token);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (path.startsWith(CHALLENGE_PATH)) {
                String token = path.substring(CHALLENGE_PATH.length());
                String answer = TOKEN.matcher(token).matches() ? keyAuthorizations.get(token) : null;
                if (answer == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] body = answer.getBytes(StandardCharsets.US_ASCII);
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                return;
            }
            // the host is ours, never the request's: no open redirect
            exchange.getResponseHeaders().set("Location", httpsBase.resolve(path.isEmpty() ? "/" : path).toString());
            exchange.sendResponseHeaders(301, -1);
        }
    }

    @Override
    public void close() {
        servers.forEach(server -> server.stop(0));
    }
}
