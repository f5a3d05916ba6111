package org.openmcim.icf.chtif;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.openmcim.http.JsonHttpServer;
import org.openmcim.http.JsonHttpServer.Response;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsContexts;
import org.openmcim.store.Subscriber;
import org.openmcim.store.batch.PcidIssuer;
import org.openmcim.wire.device.DeviceProof;

/**
 * A minimal real CHTIF for tests: the fetch API of docs/chtif-fetch-api.md on the project's HTTPS
 * shell, with mutual TLS (its own certificate; clients chaining to the given roots with one of the
 * given CNs, else 403 forbidden-peer). The CHTIF is another organisation's system; this one answers
 * what it has issued ({@link #issue}), 404 unknown-imsi for the rest, and lets a test slow it down or
 * script its answers to play a CHTIF that misbehaves. Public, in icf-hss's test jar.
 */
public final class TestChtif implements AutoCloseable {
    private final JsonHttpServer server;
    private final Set<String> clientNames;
    private final Map<String, Subscriber> issued = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private volatile Duration delay = Duration.ZERO;
    private volatile Function<String, Response> script;

    private TestChtif(Credential identity, List<X509Certificate> clientRoots, Set<String> clientNames) throws InterruptedException {
        this.clientNames = Set.copyOf(clientNames);
        this.server = JsonHttpServer.builder("test-chtif").tls(TlsContexts.server(identity, clientRoots, true))
                .route("GET", "/chtif/v1/credentials/{imsi}", this::credential)
                .start(new InetSocketAddress("127.0.0.1", 0));
    }

    /** Listens on 127.0.0.1 (a free port) with {@code identity}; only clients named {@code clientNames} under {@code clientRoots}. */
    public static TestChtif start(Credential identity, List<X509Certificate> clientRoots, Set<String> clientNames)
            throws InterruptedException {
        return new TestChtif(identity, clientRoots, clientNames);
    }

    private Response credential(JsonHttpServer.Request r) throws InterruptedException {
        if (!clientNames.contains(DeviceProof.commonName(r.peer()))) {
            throw new JsonHttpServer.HttpException(403, "forbidden-peer", "this CHTIF answers its registration operators' ICFs only");
        }
        String imsi = r.pathParam("imsi");
        requests.computeIfAbsent(imsi, k -> new AtomicInteger()).incrementAndGet();
        Thread.sleep(delay.toMillis());
        Function<String, Response> s = script;
        if (s != null) {
            return s.apply(imsi);
        }
        Subscriber sub = issued.get(imsi);
        if (sub == null) {
            return Response.error(404, ChtifClient.UNKNOWN_REASON, "no credential issued for " + imsi);
        }
        return Response.ok(PcidIssuer.batchFields(sub));
    }

    /** A credential this CHTIF has issued and will hand to the ICF. */
    public void issue(Subscriber s) {
        issued.put(s.imsi(), s);
    }

    /** How long each answer waits first (a slow CHTIF). */
    public void delay(Duration d) {
        this.delay = d;
    }

    /** Answers from {@code script} (IMSI → answer) instead of the issued credentials; null: back to normal. */
    public void script(Function<String, Response> script) {
        this.script = script;
    }

    /** Requests seen for {@code imsi}. */
    public int requests(String imsi) {
        AtomicInteger n = requests.get(imsi);
        return n == null ? 0 : n.get();
    }

    /** {@code https://127.0.0.1:PORT}, the {@code chtif.url} of an ICF. */
    public URI url() {
        return URI.create("https://127.0.0.1:" + server.address().getPort());
    }

    @Override
    public void close() {
        server.close();
    }
}
