package org.openmcim.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLException;

import org.openmcim.service.IoTransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The services' HTTPS client for their calls to each other (DPF→SHO, SHO→PVA, SHO→DRF): HTTP/1.1
 * over Netty, on the same TLS stack and policy as their listeners — an {@link SslContext} from
 * {@code org.openmcim.pki.TlsContexts.client} (TLS 1.3 only, trust exactly the configured roots,
 * the server's name checked against its certificate, a client certificate for mutual TLS), on
 * BoringSSL or the JDK as {@code tls.provider} says.
 *
 * <ul>
 * <li>Connections are kept alive and pooled per peer (host and port), at most
 * {@link Builder#maxConnectionsPerPeer} each; a call that finds them all busy waits for one. An idle
 * connection is closed after {@link Builder#idleTimeout}, shorter than the listeners' 30 s read
 * timeout, so a pooled connection is not one the server is closing at the same moment.</li>
 * <li>Every TLS engine is made for the peer's host and port: that is what lets the server's name be
 * verified (RFC 6125), SNI be sent and — on BoringSSL — a TLS 1.3 ticket from an earlier connection
 * be used again (RFC 8446 §2.2), as Netty's client session cache is keyed by host and port.</li>
 * <li>Connecting (TCP and the TLS handshake) has its own timeout; a whole call (waiting for a
 * connection, connecting, sending and reading the answer) has {@link Builder#requestTimeout}. An
 * answer whose body exceeds {@link Builder#maxResponseBody} is refused and its connection closed.</li>
 * <li>Every failure is an {@link HttpsClientException} whose {@link HttpsClientException.Kind kind}
 * says what went wrong, so callers map it to their own reasons; no request is sent twice (the
 * services' calls are POSTs that spend nonces).</li>
 * </ul>
 *
 * <p>{@link #open} gives a dedicated connection instead (not pooled), for a caller that decides
 * itself when a connection and a handshake happen (the load tool's simulated devices).
 */
public final class HttpsClient implements AutoCloseable {
    /** An answer: status, media type (or null) and body. */
    public record Response(int status, String contentType, byte[] body) {
        public Response {
            Objects.requireNonNull(body, "body");
        }

        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Why a call failed; the message says it in words and carries no request or answer content. */
    public static final class HttpsClientException extends IOException {
        public enum Kind {
            /** TCP connect or the TLS handshake did not finish within the connect timeout. */
            CONNECT_TIMEOUT,
            /** The peer could not be reached (refused, no route, closed during the handshake). */
            UNREACHABLE,
            /** The TLS handshake failed: a certificate that does not chain or name the peer, or no common parameters. */
            TLS,
            /** No complete answer within the request timeout (the connection is closed). */
            TIMEOUT,
            /** The answer's body exceeds the limit (the connection is closed). */
            TOO_LARGE,
            /** The connection closed before a complete answer. */
            CLOSED,
            /** The answer is not HTTP/1.1 this client can read. */
            MALFORMED
        }

        private final Kind kind;

        public HttpsClientException(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public HttpsClientException(Kind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    private static final AttributeKey<Connection> CONNECTION = AttributeKey.valueOf(HttpsClient.class, "connection");

    private final SslContext tls;
    private final EventLoopGroup group;
    private final boolean ownGroup;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration idleTimeout;
    private final int maxBody;
    private final int maxPerPeer;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private HttpsClient(Builder b) {
        this.tls = b.tls;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.idleTimeout = b.idleTimeout;
        this.maxBody = b.maxBody;
        this.maxPerPeer = b.maxPerPeer;
        if (b.group != null) {
            this.group = b.group;
            this.ownGroup = false;
        } else {
            // Daemon threads: a client its owner forgets to close must not keep the JVM alive.
            this.group = IoTransport.preferred().group(b.threads, new DefaultThreadFactory(b.name, true));
            this.ownGroup = true;
        }
    }

    /** @param name the event loop threads' name prefix (e.g. {@code dpf-sho-client}) */
    public static Builder builder(String name, SslContext tls) {
        return new Builder(name, tls);
    }

    public static final class Builder {
        private final String name;
        private final SslContext tls;
        private EventLoopGroup group;
        private int threads = 1;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofSeconds(20);
        private int maxBody = 1024 * 1024;
        private int maxPerPeer = 16;

        private Builder(String name, SslContext tls) {
            this.name = Objects.requireNonNull(name, "name");
            this.tls = Objects.requireNonNull(tls, "tls");
            if (!tls.isClient()) {
                throw new IllegalArgumentException("a client TLS context is needed (TlsContexts.client)");
            }
        }

        /** Runs on {@code group} (not closed with the client) instead of its own event loop threads. */
        public Builder group(EventLoopGroup group) {
            this.group = group;
            return this;
        }

        /** Event loop threads of its own (default 1); ignored with {@link #group}. */
        public Builder threads(int n) {
            this.threads = positive(n, "threads");
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d, "connect timeout");
            return this;
        }

        /** A whole call, from asking to the last byte of the answer. */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive(d, "request timeout");
            return this;
        }

        /** How long an unused pooled connection stays open. */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = positive(d, "idle timeout");
            return this;
        }

        public Builder maxResponseBody(int bytes) {
            this.maxBody = positive(bytes, "max response body");
            return this;
        }

        public Builder maxConnectionsPerPeer(int n) {
            this.maxPerPeer = positive(n, "max connections per peer");
            return this;
        }

        public HttpsClient build() {
            return new HttpsClient(this);
        }

        private static int positive(int n, String what) {
            if (n <= 0) {
                throw new IllegalArgumentException(what + " must be positive, got " + n);
            }
            return n;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }
    }

    /**
     * POSTs {@code body} to {@code url} on a pooled connection and waits for the answer (at most the
     * request timeout). Any status is an answer; only transport failures throw.
     */
    public Response post(URI url, String contentType, byte[] body) throws HttpsClientException, InterruptedException {
        return await(send(HttpMethod.POST, url, contentType, body));
    }

    /** GETs {@code url} on a pooled connection and waits for the answer. */
    public Response get(URI url) throws HttpsClientException, InterruptedException {
        return await(send(HttpMethod.GET, url, null, null));
    }

    /** The same without waiting; the future fails with an {@link HttpsClientException}. */
    public CompletableFuture<Response> send(HttpMethod method, URI url, String contentType, byte[] body) {
        Target t;
        try {
            t = Target.of(url);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (closed) {
            return CompletableFuture.failedFuture(new HttpsClientException(HttpsClientException.Kind.UNREACHABLE, "the client is closed"));
        }
        Exchange ex = new Exchange(request(method, t, contentType, body));
        ex.timer = group.next().schedule(() -> ex.fail(new HttpsClientException(HttpsClientException.Kind.TIMEOUT,
                "no answer from " + t.authority() + " within " + requestTimeout.toMillis() + " ms")), requestTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
        peers.computeIfAbsent(t.authority(), k -> new Peer(t)).acquire(ex);
        return ex.result;
    }

    /**
     * A dedicated connection to {@code url}'s host and port, TLS handshake done (at most the connect
     * timeout), for requests in sequence; never pooled, closed by {@link Connection#close()}.
     */
    public Connection open(URI url) throws HttpsClientException, InterruptedException {
        Target t = Target.of(url);
        CompletableFuture<Connection> c = connect(t, null);
        return await(c);
    }

    private static <T> T await(CompletableFuture<T> f) throws HttpsClientException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpsClientException h) {
                throw h;
            }
            if (e.getCause() instanceof IllegalArgumentException i) {
                throw i;
            }
            throw new HttpsClientException(HttpsClientException.Kind.UNREACHABLE, "failed: " + e.getCause(), e.getCause());
        }
    }

    /** Scheme https, a host, a port (default 443), and the path and query to send. */
    private record Target(String host, int port, String pathAndQuery) {
        static Target of(URI url) {
            if (url == null || !"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("expected an https:// URL with a host, got " + url);
            }
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            return new Target(url.getHost(), url.getPort() < 0 ? 443 : url.getPort(),
                    url.getRawQuery() == null ? path : path + "?" + url.getRawQuery());
        }

        String authority() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private static FullHttpRequest request(HttpMethod method, Target t, String contentType, byte[] body) {
        byte[] b = body == null ? new byte[0] : body;
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, t.pathAndQuery(), Unpooled.wrappedBuffer(b));
        r.headers().set(HttpHeaderNames.HOST, t.port() == 443 ? t.host() : t.authority());
        if (contentType != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        if (b.length > 0 || method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT)) {
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, b.length);
        }
        return r;
    }

    /** One call in flight: its request, its outcome and its timer. */
    private static final class Exchange {
        final FullHttpRequest request;
        final CompletableFuture<Response> result = new CompletableFuture<>();
        volatile ScheduledFuture<?> timer;
        /** The connection it runs on, once it has one (to close it when the call times out). */
        volatile Connection on;

        Exchange(FullHttpRequest request) {
            this.request = request;
        }

        void complete(Response r) {
            if (result.complete(r)) {
                cancelTimer();
            }
        }

        void fail(HttpsClientException e) {
            if (result.completeExceptionally(e)) {
                cancelTimer();
                Connection c = on;
                if (c != null) {
                    c.channel.close(); // an answer may still come: the connection cannot be reused
                }
            }
        }

        private void cancelTimer() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    /** The pool of one peer: idle connections, how many are open or opening, and calls waiting for one. */
    private final class Peer {
        final Target target;
        final ArrayDeque<Connection> idle = new ArrayDeque<>();
        final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
        int open;

        Peer(Target target) {
            this.target = target;
        }

        void acquire(Exchange ex) {
            Connection c = null;
            boolean connect = false;
            synchronized (this) {
                while (c == null && !idle.isEmpty()) {
                    Connection x = idle.pollLast(); // the most recently used: the least likely to be closing
                    if (x.channel.isActive()) {
                        c = x;
                    }
                }
                if (c == null) {
                    if (open < maxPerPeer) {
                        open++;
                        connect = true;
                    } else {
                        waiting.add(ex);
                    }
                }
            }
            if (c != null) {
                c.run(ex);
            } else if (connect) {
                connectFor(ex);
            }
        }

        private void connectFor(Exchange ex) {
            connect(new Target(target.host(), target.port(), "/"), this).whenComplete((c, e) -> {
                if (e != null) {
                    ex.fail(e instanceof HttpsClientException h ? h
                            : new HttpsClientException(HttpsClientException.Kind.UNREACHABLE, "cannot reach " + target.authority(), e));
                } else if (ex.result.isDone()) {
                    release(c); // the call timed out while connecting: keep the connection for the next one
                } else {
                    c.run(ex);
                }
            });
        }

        /** A connection's call is done and the connection can carry another. */
        void release(Connection c) {
            Exchange next;
            synchronized (this) {
                next = pollWaiting();
                if (next == null) {
                    idle.addLast(c);
                }
            }
            if (next != null) {
                c.run(next);
            }
        }

        /** A connection of this peer closed (or failed to open): make room for a waiting call. */
        void closed(Connection c) {
            Exchange next;
            synchronized (this) {
                if (c != null) {
                    idle.remove(c);
                }
                open--;
                next = pollWaiting();
                if (next != null) {
                    open++;
                }
            }
            if (next != null) {
                connectFor(next);
            }
        }

        private Exchange pollWaiting() {
            for (Iterator<Exchange> i = waiting.iterator(); i.hasNext();) {
                Exchange e = i.next();
                i.remove();
                if (!e.result.isDone()) {
                    return e;
                }
            }
            return null;
        }

        synchronized void closeIdle() {
            idle.forEach(c -> c.channel.close());
        }
    }

    private CompletableFuture<Connection> connect(Target t, Peer pool) {
        CompletableFuture<Connection> out = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(group).channel(IoTransport.of(group).channel()).option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // Host and port: name verification, SNI, and the session cache entry to resume from.
                        SslHandler ssl = tls.newHandler(ch.alloc(), t.host(), t.port());
                        ssl.setHandshakeTimeoutMillis(connectTimeout.toMillis());
                        ch.pipeline().addLast("tls", ssl);
                        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast("http", new HttpClientCodec(4096, 8192, 8192));
                        ch.pipeline().addLast("aggregate", new HttpObjectAggregator(maxBody));
                        Connection c = new Connection(ch, ssl, t, pool);
                        ch.attr(CONNECTION).set(c);
                        ch.pipeline().addLast("answer", c.handler);
                    }
                });
        io.netty.channel.ChannelFuture connecting = b.connect(t.host(), t.port());
        if (pool != null) {
            // The pool counts this connection until it closes or fails to open, whichever is seen first.
            Channel ch = connecting.channel();
            AtomicBoolean counted = new AtomicBoolean(true);
            Runnable gone = () -> {
                if (counted.getAndSet(false)) {
                    pool.closed(ch.attr(CONNECTION).get());
                }
            };
            ch.closeFuture().addListener(f -> gone.run());
            connecting.addListener(f -> {
                if (!f.isSuccess()) {
                    gone.run();
                }
            });
        }
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                out.completeExceptionally(connectFailure(t, f.cause()));
                return;
            }
            Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
            Connection c = ch.attr(CONNECTION).get();
            ch.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    out.complete(c);
                } else {
                    ch.close();
                    out.completeExceptionally(connectFailure(t, h.cause()));
                }
            });
        });
        return out;
    }

    private HttpsClientException connectFailure(Target t, Throwable cause) {
        String to = t.authority();
        if (cause instanceof ConnectTimeoutException || cause instanceof SslHandshakeTimeoutException) {
            return new HttpsClientException(HttpsClientException.Kind.CONNECT_TIMEOUT,
                    "connecting to " + to + " took more than " + connectTimeout.toMillis() + " ms", cause);
        }
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof SSLException) {
            return new HttpsClientException(HttpsClientException.Kind.TLS, "TLS handshake with " + to + " failed: " + c.getMessage(), c);
        }
        if (c instanceof ConnectException || c instanceof ClosedChannelException) {
            return new HttpsClientException(HttpsClientException.Kind.UNREACHABLE, "cannot reach " + to + " (" + c.getClass().getSimpleName() + ")", c);
        }
        return new HttpsClientException(HttpsClientException.Kind.UNREACHABLE, "cannot reach " + to + " (" + c + ")", c);
    }

    /** One TLS connection carrying one call at a time. */
    public final class Connection implements AutoCloseable {
        private final Channel channel;
        private final SslHandler ssl;
        private final Target target;
        private final Peer pool;
        private final Handler handler = new Handler();
        private volatile Exchange current;

        private Connection(Channel channel, SslHandler ssl, Target target, Peer pool) {
            this.channel = channel;
            this.ssl = ssl;
            this.target = target;
            this.pool = pool;
        }

        /**
         * Sends one request on this (dedicated) connection and waits for its answer, at most the
         * request timeout; with {@code last}, asks the server to close afterwards.
         */
        public Response post(String pathAndQuery, String contentType, byte[] body, boolean last)
                throws HttpsClientException, InterruptedException {
            return exchange(HttpMethod.POST, pathAndQuery, contentType, body, last);
        }

        public Response get(String pathAndQuery, boolean last) throws HttpsClientException, InterruptedException {
            return exchange(HttpMethod.GET, pathAndQuery, null, null, last);
        }

        private Response exchange(HttpMethod method, String pathAndQuery, String contentType, byte[] body, boolean last)
                throws HttpsClientException, InterruptedException {
            if (pool != null) {
                throw new IllegalStateException("a pooled connection");
            }
            Exchange ex = new Exchange(request(method, new Target(target.host(), target.port(), pathAndQuery), contentType, body));
            if (last) {
                HttpUtil.setKeepAlive(ex.request, false);
            }
            ex.timer = channel.eventLoop().schedule(() -> ex.fail(new HttpsClientException(HttpsClientException.Kind.TIMEOUT,
                    "no answer from " + target.authority() + " within " + requestTimeout.toMillis() + " ms")), requestTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            run(ex);
            return await(ex.result);
        }

        /** TLS session of this connection (also after it closed). */
        public javax.net.ssl.SSLSession session() {
            return ssl.engine().getSession();
        }

        void run(Exchange ex) {
            if (current != null) {
                ex.fail(new HttpsClientException(HttpsClientException.Kind.CLOSED, "the connection is busy"));
                return;
            }
            current = ex;
            ex.on = this;
            if (ex.result.isDone()) { // timed out meanwhile
                current = null;
                channel.close();
                return;
            }
            channel.writeAndFlush(ex.request).addListener(f -> {
                if (!f.isSuccess()) {
                    ex.fail(new HttpsClientException(HttpsClientException.Kind.CLOSED,
                            "the connection to " + target.authority() + " closed before the request was sent", f.cause()));
                }
            });
        }

        @Override
        public void close() {
            channel.close();
        }

        /** The end of the pipeline: answers, failures and idleness of this connection. */
        private final class Handler extends SimpleChannelInboundHandler<FullHttpResponse> {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse resp) {
                Exchange ex = current;
                current = null;
                if (ex == null) {
                    ctx.close(); // an answer nobody asked for
                    return;
                }
                if (!resp.decoderResult().isSuccess()) {
                    ex.fail(new HttpsClientException(HttpsClientException.Kind.MALFORMED, "the answer of " + target.authority()
                            + " is not valid HTTP/1.1", resp.decoderResult().cause()));
                    ctx.close();
                    return;
                }
                Response r = new Response(resp.status().code(), resp.headers().get(HttpHeaderNames.CONTENT_TYPE),
                        ByteBufUtil.getBytes(resp.content()));
                boolean reuse = pool != null && HttpUtil.isKeepAlive(resp) && HttpUtil.isKeepAlive(ex.request) && ctx.channel().isActive();
                if (pool != null) {
                    if (reuse) {
                        pool.release(Connection.this);
                    } else {
                        ctx.close();
                    }
                }
                ex.complete(r);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                if (evt instanceof IdleStateEvent && current == null) {
                    ctx.close(); // unused for the idle timeout
                }
                super.userEventTriggered(ctx, evt);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                Exchange ex = current;
                current = null;
                if (ex != null) {
                    ex.fail(new HttpsClientException(HttpsClientException.Kind.CLOSED,
                            "the connection to " + target.authority() + " closed before the answer"));
                }
                super.channelInactive(ctx);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                Exchange ex = current;
                current = null;
                if (ex != null) {
                    ex.fail(answerFailure(cause));
                }
                ctx.close();
            }
        }

        private HttpsClientException answerFailure(Throwable cause) {
            String from = target.authority();
            if (cause instanceof TooLongFrameException) {
                // HttpObjectAggregator (body) or the decoder (status line or headers over their bounds)
                return new HttpsClientException(HttpsClientException.Kind.TOO_LARGE,
                        "the answer of " + from + " exceeds " + maxBody + " bytes (or its header the limits)", cause);
            }
            Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            if (c instanceof SSLException) {
                return new HttpsClientException(HttpsClientException.Kind.CLOSED, "TLS failure on the connection to " + from + ": "
                        + c.getMessage(), c);
            }
            if (cause instanceof DecoderException) {
                return new HttpsClientException(HttpsClientException.Kind.MALFORMED, "the answer of " + from + " is not valid HTTP/1.1", cause);
            }
            return new HttpsClientException(HttpsClientException.Kind.CLOSED, "the connection to " + from + " failed ("
                    + c.getClass().getSimpleName() + ")", c);
        }
    }

    /** Connections open to {@code url}'s peer in the pool, busy or idle (tests, metrics). */
    public int openConnections(URI url) {
        Peer p = peers.get(Target.of(url).authority());
        if (p == null) {
            return 0;
        }
        synchronized (p) {
            return p.open;
        }
    }

    @Override
    public void close() {
        closed = true;
        peers.values().forEach(Peer::closeIdle);
        if (ownGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
