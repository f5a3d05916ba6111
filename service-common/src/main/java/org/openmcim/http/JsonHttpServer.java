package org.openmcim.http;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.openmcim.service.IoTransport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The HTTPS JSON shell of the RO/SHO/PVA services: routes by method and path, bodies bounded,
 * handlers run on a bounded worker pool (they may block), and every failure is a JSON answer with a
 * machine-readable reason — 400 bad input, 404 no such path, 405 wrong method, 413 too large,
 * 415 not JSON, 503 overloaded, 500 without details. Nothing a client sends can crash it or leak
 * internals into the answer.
 *
 * <p>A route's path may hold whole-segment parameters ({@code /icf/v1/subscribers/{imsi}}), and a
 * route may take another body type than JSON ({@code text/csv} for a supplier batch) or answer with
 * one; refusals are JSON all the same. Every answer says {@code Cache-Control: no-store}: these are
 * API answers, some carry credentials (a PCID batch), and none is worth keeping in a cache.
 */
public final class JsonHttpServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JsonHttpServer.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> JSON_BODY = List.of("application/json");

    /**
     * One request, as a handler sees it.
     *
     * @param pathParams the values of the route's {@code {name}} segments
     * @param headers    request headers by lower-case name; repeated headers joined with ", " (RFC 9110 §5.3)
     */
    public record Request(String method, String path, Map<String, List<String>> query, byte[] body,
                          List<X509Certificate> peerCertificates, InetSocketAddress remote, Map<String, String> pathParams,
                          Map<String, String> headers) {
        public Request {
            pathParams = Map.copyOf(pathParams);
            headers = Map.copyOf(headers);
        }

        /** A request without path parameters or headers (what the shell made before routes had either). */
        public Request(String method, String path, Map<String, List<String>> query, byte[] body,
                       List<X509Certificate> peerCertificates, InetSocketAddress remote) {
            this(method, path, query, body, peerCertificates, remote, Map.of(), Map.of());
        }

        /** The client certificate's leaf (mutual TLS), or null. */
        public X509Certificate peer() {
            return peerCertificates.isEmpty() ? null : peerCertificates.get(0);
        }

        /** The value of the route's {@code {name}} segment, or null. */
        public String pathParam(String name) {
            return pathParams.get(name);
        }

        /** A request header by name (any case), or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * An answer: status, body and its media type. Every answer the shell makes itself, and all made
     * by {@link #of}, {@link #ok} and {@link #error}, are JSON.
     */
    public record Response(int status, byte[] body, String contentType) {
        public static final String JSON = "application/json; charset=utf-8";

        public Response {
            java.util.Objects.requireNonNull(body, "body");
            java.util.Objects.requireNonNull(contentType, "contentType");
        }

        /** A JSON answer. */
        public Response(int status, byte[] json) {
            this(status, json, JSON);
        }

        /** The body; the name is from when every answer was JSON. */
        public byte[] json() {
            return body;
        }

        /** An answer of another media type, e.g. {@code text/csv; charset=us-ascii}. */
        public static Response of(int status, String contentType, byte[] body) {
            return new Response(status, body, contentType);
        }

        public static Response ok(Object body) {
            return of(200, body);
        }

        public static Response of(int status, Object body) {
            try {
                return new Response(status, MAPPER.writeValueAsBytes(body));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** {@code {"error": reason, "message": message}}. */
        public static Response error(int status, String reason, String message) {
            ObjectNode o = MAPPER.createObjectNode().put("error", reason).put("message", message);
            return of(status, o);
        }
    }

    /**
     * The client certificate chain of one connection (leaf first), as {@link Request#peerCertificates()}
     * gives it: read from the TLS session once, then the same object for every request on that
     * connection, so a check of it (e.g. PKIX against an endpoint's roots) can be remembered for the
     * connection's life instead of redone per request. The chain cannot change within a connection:
     * TLS 1.3 has no renegotiation (RFC 8446 §4), and these listeners do not ask for post-handshake
     * authentication.
     */
    public static final class PeerChain extends java.util.AbstractList<X509Certificate> implements java.util.RandomAccess {
        private final List<X509Certificate> certificates;
        private final Map<Object, Object> remembered = new java.util.concurrent.ConcurrentHashMap<>(4);

        PeerChain(List<X509Certificate> certificates) {
            this.certificates = List.copyOf(certificates);
        }

        @Override
        public X509Certificate get(int index) {
            return certificates.get(index);
        }

        @Override
        public int size() {
            return certificates.size();
        }

        /** What a check stored under {@code key} for this connection, or null. */
        public Object remembered(Object key) {
            return remembered.get(key);
        }

        /** Stores {@code value} under {@code key} for the rest of this connection (at most 16 keys: a connection talks to few endpoints). */
        public void remember(Object key, Object value) {
            if (!certificates.isEmpty() && remembered.size() < 16) {
                remembered.put(key, value);
            }
        }
    }

    private static final io.netty.util.AttributeKey<PeerChain> PEER_CHAIN = io.netty.util.AttributeKey.valueOf(JsonHttpServer.class, "peer-chain");
    private static final PeerChain NO_PEER = new PeerChain(List.of());

    /** A handler's way to refuse bad input with a status and a reason (no stack trace reaches the wire). */
    public static final class HttpException extends RuntimeException {
        private final int status;
        private final String reason;

        public HttpException(int status, String reason, String message) {
            super(message);
            this.status = status;
            this.reason = reason;
        }

        public Response response() {
            return Response.error(status, reason, getMessage());
        }
    }

    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    /** A handler and the body media types it takes (a request without a body is always let through). */
    private record Route(Handler handler, List<String> bodyTypes) {
    }

    /** A path with {@code {name}} segments and its routes by method. */
    private record Template(String[] segments, Map<String, Route> byMethod) {
        /** The parameters if {@code path} matches, else null. */
        Map<String, String> match(String path) {
            String[] parts = path.split("/", -1);
            if (parts.length != segments.length) {
                return null;
            }
            Map<String, String> params = new HashMap<>();
            for (int i = 0; i < parts.length; i++) {
                String s = segments[i];
                if (isParameter(s)) {
                    if (parts[i].isEmpty()) {
                        return null;
                    }
                    params.put(s.substring(1, s.length() - 1), parts[i]);
                } else if (!s.equals(parts[i])) {
                    return null;
                }
            }
            return params;
        }

        static boolean isParameter(String segment) {
            return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
        }
    }

    private final Map<String, Map<String, Route>> routes;
    private final List<Template> templates;
    private final SslContext tls;
    private final int maxBody;
    /** Native epoll where it loads, else NIO ({@link IoTransport}); Netty's default thread names. */
    private final EventLoopGroup group = IoTransport.preferred().group(1, null);
    private final ExecutorService workers;
    /**
     * The accepted connections, closed by {@link #close()}: shutting the event loop down leaves their
     * sockets open, so a keep-alive client of a service closed in a running JVM (a restarted DPF)
     * would write its next request into a socket nobody reads and wait for its timeout.
     */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** Completed TLS handshakes, full or resumed. */
    private final LongAdder handshakes = new LongAdder();
    private final java.util.Optional<org.openmcim.pki.TicketKeyRotation> ticketKeys;
    /** The meters registered for this listener, removed again on {@link #close()} (a restarted service registers its own). */
    private final List<io.micrometer.core.instrument.Meter> meters = new ArrayList<>();
    private MeterRegistry registry;
    private Channel channel;

    private JsonHttpServer(Builder b) {
        this.routes = Map.copyOf(b.routes);
        List<Template> byPath = new ArrayList<>();
        b.templates.forEach((path, byMethod) -> byPath.add(new Template(path.split("/", -1), Map.copyOf(byMethod))));
        this.templates = List.copyOf(byPath);
        this.tls = b.tls;
        this.ticketKeys = org.openmcim.pki.TicketKeyRotation.of(b.tls, b.ticketKeyRotation);
        this.maxBody = b.maxBody;
        if (b.meters != null && b.tls != null) {
            registerTlsMeters(b.meters, b.name);
        }
        this.workers = new ThreadPoolExecutor(b.workers, b.workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(b.queue), r -> {
            Thread t = new Thread(r, b.name + "-worker");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public static final class Builder {
        private final String name;
        private final Map<String, Map<String, Route>> routes = new HashMap<>();
        private final Map<String, Map<String, Route>> templates = new java.util.LinkedHashMap<>();
        private SslContext tls;
        private MeterRegistry meters;
        private int maxBody = 64 * 1024;
        private int workers = 4;
        private int queue = 1000;
        private java.time.Duration ticketKeyRotation = org.openmcim.pki.TicketKeyRotation.DEFAULT_PERIOD;

        private Builder(String name) {
            this.name = name;
        }

        /** A route taking JSON bodies. */
        public Builder route(String method, String path, Handler h) {
            return route(method, path, JSON_BODY, h);
        }

        /**
         * A route whose body must be one of {@code bodyTypes} (else 415). {@code path} may hold
         * whole-segment parameters such as {@code /icf/v1/subscribers/{imsi}}; a path without any
         * wins over a template that also matches.
         */
        public Builder route(String method, String path, List<String> bodyTypes, Handler h) {
            if (bodyTypes.isEmpty()) {
                throw new IllegalArgumentException("a route takes at least one body type");
            }
            Route r = new Route(h, bodyTypes.stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList());
            boolean template = false;
            for (String segment : path.split("/", -1)) {
                if (Template.isParameter(segment)) {
                    template = true;
                } else if (segment.contains("{") || segment.contains("}")) {
                    throw new IllegalArgumentException("a path parameter is a whole segment, {name}: " + path);
                }
            }
            (template ? templates : routes).computeIfAbsent(path, p -> new HashMap<>()).put(method, r);
            return this;
        }

        /** TLS (from {@code org.openmcim.pki.TlsContexts.server}); without it, plain HTTP (tests of the shell only). */
        public Builder tls(SslContext tls) {
            this.tls = tls;
            return this;
        }

        /**
         * How often an OpenSSL listener rotates its TLS 1.3 ticket keys ({@link org.openmcim.pki.TicketKeyRotation});
         * default one hour. No effect on the JDK stack.
         */
        public Builder ticketKeyRotation(java.time.Duration period) {
            this.ticketKeyRotation = period;
            return this;
        }

        /** Where to count TLS handshakes ({@code tls.handshakes} and {@code tls.resumed}, tagged {@code listener=NAME}). */
        public Builder meters(MeterRegistry registry) {
            this.meters = registry;
            return this;
        }

        public Builder maxBody(int bytes) {
            this.maxBody = bytes;
            return this;
        }

        public Builder workers(int n, int queue) {
            this.workers = n;
            this.queue = queue;
            return this;
        }

        public JsonHttpServer start(InetSocketAddress listen) throws InterruptedException {
            JsonHttpServer s = new JsonHttpServer(this);
            s.bind(listen);
            return s;
        }
    }

    private void bind(InetSocketAddress listen) throws InterruptedException {
        InetSocketAddress to = listen.isUnresolved() ? new InetSocketAddress(listen.getHostString(), listen.getPort()) : listen;
        channel = new ServerBootstrap().group(group).channel(IoTransport.of(group).serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch); // removed again by the group when the channel closes
                        if (tls != null) {
                            SslHandler h = tls.newHandler(ch.alloc());
                            h.handshakeFuture().addListener(f -> {
                                if (f.isSuccess()) {
                                    handshakes.increment();
                                }
                            });
                            ch.pipeline().addLast("tls", h);
                        }
                        ch.pipeline().addLast(new ReadTimeoutHandler(30));
                        ch.pipeline().addLast(new HttpServerCodec());
                        // Oversized bodies: refused before any handler runs, with the same JSON
                        // error shape as every other refusal (Netty's default 413 has no body).
                        ch.pipeline().addLast(new HttpObjectAggregator(maxBody) {
                            @Override
                            protected void handleOversizedMessage(ChannelHandlerContext c, io.netty.handler.codec.http.HttpMessage m) {
                                // As Netty does: keep a keep-alive connection (the aggregator discards the
                                // rest of the body), so the client reads the answer instead of a reset.
                                boolean keep = HttpUtil.isKeepAlive(m) && !(m instanceof io.netty.handler.codec.http.FullHttpMessage);
                                send(c, Response.error(413, "too-large", "the body exceeds " + maxBody + " bytes"), keep);
                            }
                        });
                        ch.pipeline().addLast(new Dispatch());
                    }
                }).bind(to).sync().channel();
        // On the listener's own event loop: setting the keys is one quick native call, and the
        // schedule ends with the group on close().
        ticketKeys.ifPresent(k -> group.scheduleAtFixedRate(k::rotate, k.period().toMillis(), k.period().toMillis(), TimeUnit.MILLISECONDS));
    }

    /** This listener's ticket-key rotation; empty without TLS or on the JDK stack. */
    public java.util.Optional<org.openmcim.pki.TicketKeyRotation> ticketKeyRotation() {
        return ticketKeys;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** TLS handshakes completed on this listener so far, full and resumed. */
    public long tlsHandshakes() {
        return handshakes.sum();
    }

    /**
     * Of {@link #tlsHandshakes()}, those that resumed a session with one of this listener's TLS 1.3
     * tickets (RFC 8446 §2.2), as BoringSSL counts them; -1 on the JDK stack, which does not say.
     * netty-tcnative counts a ticket under the current key as a "resume" and one under the previous
     * key, after a rotation, as a "renew" (it resumes too, and the client gets a ticket under the
     * current key): both are resumptions here.
     */
    public long tlsResumed() {
        if (tls != null && tls.sessionContext() instanceof OpenSslSessionContext o) {
            var stats = o.stats();
            return stats.ticketKeyResume() + stats.ticketKeyRenew();
        }
        return -1;
    }

    private void registerTlsMeters(MeterRegistry to, String name) {
        registry = to;
        meters.add(FunctionCounter.builder("tls.handshakes", this, JsonHttpServer::tlsHandshakes).tag("listener", name)
                .description("TLS handshakes completed, full and resumed").register(to));
        if (tlsResumed() >= 0) {
            meters.add(FunctionCounter.builder("tls.resumed", this, JsonHttpServer::tlsResumed).tag("listener", name)
                    .description("TLS handshakes that resumed with a TLS 1.3 ticket of this listener").register(to));
        }
    }

    private final class Dispatch extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!req.decoderResult().isSuccess()) {
                send(ctx, Response.error(400, "malformed-http", "the request could not be parsed"), false);
                return;
            }
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            Map<String, Route> byMethod = routes.get(q.path());
            Map<String, String> params = Map.of();
            for (int i = 0; byMethod == null && i < templates.size(); i++) {
                Map<String, String> p = templates.get(i).match(q.path());
                if (p != null) {
                    byMethod = templates.get(i).byMethod();
                    params = p;
                }
            }
            if (byMethod == null) {
                send(ctx, Response.error(404, "not-found", "no such resource: " + q.path()), keepAlive);
                return;
            }
            Route route = byMethod.get(req.method().name());
            if (route == null) {
                send(ctx, Response.error(405, "method-not-allowed", "allowed: " + String.join(", ", byMethod.keySet())), keepAlive);
                return;
            }
            byte[] body = ByteBufUtil.getBytes(req.content());
            if (body.length > 0) {
                String ct = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(java.util.Locale.ROOT);
                if (route.bodyTypes().stream().noneMatch(ct::startsWith)) {
                    send(ctx, Response.error(415, "unsupported-media-type", "send " + String.join(" or ", route.bodyTypes())), keepAlive);
                    return;
                }
            }
            Map<String, String> headers = new HashMap<>();
            for (Map.Entry<String, String> e : req.headers()) {
                headers.merge(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue(), (a, b) -> a + ", " + b);
            }
            Handler h = route.handler();
            Request r = new Request(req.method().name(), q.path(), q.parameters(), body, peer(ctx),
                    (InetSocketAddress) ctx.channel().remoteAddress(), params, headers);
            try {
                workers.execute(() -> {
                    Response resp;
                    try {
                        resp = h.handle(r);
                    } catch (HttpException e) {
                        resp = e.response();
                    } catch (Exception e) {
                        LOG.log(Level.WARNING, r.method() + " " + r.path() + " failed", e);
                        resp = Response.error(500, "internal", "internal error");
                    }
                    Response out = resp;
                    try {
                        ctx.executor().execute(() -> send(ctx, out, keepAlive));
                    } catch (RejectedExecutionException e) {
                        // The server closed while the handler ran: its connections are gone with it.
                    }
                });
            } catch (RejectedExecutionException e) {
                send(ctx, Response.error(503, "overloaded", "try again later"), false);
            }
        }

        /** The connection's peer chain, read from the TLS session on its first request. */
        private List<X509Certificate> peer(ChannelHandlerContext ctx) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl == null) {
                return NO_PEER;
            }
            PeerChain known = ctx.channel().attr(PEER_CHAIN).get();
            if (known != null) {
                return known;
            }
            if (!ssl.engine().getNeedClientAuth() && !ssl.engine().getWantClientAuth()) {
                // A listener that sends no CertificateRequest (RFC 8446 §4.3.2) can have no client
                // chain; asking the session anyway throws SSLPeerUnverifiedException, a stack trace
                // filled in for every device connection (0.3 % of the issue #5 profile).
                ctx.channel().attr(PEER_CHAIN).set(NO_PEER);
                return NO_PEER;
            }
            List<X509Certificate> out = new ArrayList<>();
            try {
                for (Certificate c : ssl.engine().getSession().getPeerCertificates()) {
                    out.add((X509Certificate) c);
                }
            } catch (SSLPeerUnverifiedException e) {
                // no client certificate: fine for device-facing endpoints
            }
            PeerChain chain = out.isEmpty() ? NO_PEER : new PeerChain(out);
            ctx.channel().attr(PEER_CHAIN).set(chain);
            return chain;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // TLS or I/O failure on one connection
        }
    }

    private static void send(ChannelHandlerContext ctx, Response r, boolean keepAlive) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                Unpooled.wrappedBuffer(r.body()));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        resp.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp);
        } else {
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * The machine-readable {@code error} of a refusal in this shell's shape ({@link Response#error}),
     * read by the clients of these services; null when {@code body} is not one (or the reason is not
     * the lower-case-and-dashes kind the services give, so nothing odd reaches a log line).
     */
    public static String reasonOf(byte[] body) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = MAPPER.readTree(body);
            String r = n == null ? null : n.path("error").asText(null);
            return r != null && r.matches("[a-z0-9-]{1,64}") ? r : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Parses a JSON body, or answers 400 malformed-json. */
    public static com.fasterxml.jackson.databind.JsonNode json(Request r) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = MAPPER.readTree(new String(r.body(), StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) {
                throw new HttpException(400, "malformed-json", "expected a JSON object");
            }
            return n;
        } catch (java.io.IOException e) {
            throw new HttpException(400, "malformed-json", "body is not JSON");
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownNow();
        if (registry != null) {
            meters.forEach(registry::remove);
        }
    }
}
