package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Hex;
import org.openmcim.config.ConfigNode;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.ResultCode;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.icf.admin.AdminApi;
import org.openmcim.icf.chtif.ChtifClient;
import org.openmcim.icf.chtif.TestChtif;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.gx.AttachEvents;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The OpenAPI documents in docs/openapi are YAML that parses (SnakeYAML, as every configuration is
 * read), their references resolve, they document exactly the routes the code serves, and each
 * documented operation, sent with its documented example against the real server over real mutual
 * TLS, answers with a documented status and media type. The CHTIF's documented example answer is one
 * a real ICF fetches and serves.
 */
class OpenApiDocsTest {
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;

    @BeforeAll
    static void pki() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
    }

    /** One documented operation: method, path template, the operation and its path's parameters. */
    record Operation(String method, String path, Map<String, Object> op, List<Object> pathParameters) {
        String route() {
            return method + " " + path;
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String name) throws Exception {
        try (Reader r = Files.newBufferedReader(ShippedConfigTest.repo().resolve("docs/openapi").resolve(name), StandardCharsets.UTF_8)) {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            Map<String, Object> m = assertInstanceOf(Map.class, doc, name);
            assertTrue(String.valueOf(m.get("openapi")).startsWith("3."), name + ": openapi 3.x");
            assertNotNull(((Map<String, Object>) m.get("info")).get("title"), name + ": info.title");
            assertRefsResolve(m, m, name);
            return m;
        }
    }

    /** Every {@code $ref} names something in the same document. */
    @SuppressWarnings("unchecked")
    static void assertRefsResolve(Map<String, Object> doc, Object node, String where) {
        if (node instanceof Map<?, ?> m) {
            Object ref = m.get("$ref");
            if (ref != null) {
                assertNotNull(resolve(doc, (String) ref), where + ": $ref " + ref + " resolves to nothing");
            }
            m.forEach((k, v) -> assertRefsResolve(doc, v, where + "." + k));
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                assertRefsResolve(doc, l.get(i), where + "[" + i + "]");
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Object resolve(Map<String, Object> doc, String ref) {
        assertTrue(ref.startsWith("#/"), "local references only: " + ref);
        Object n = doc;
        for (String part : ref.substring(2).split("/")) {
            n = n instanceof Map<?, ?> m ? m.get(part) : null;
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deref(Map<String, Object> doc, Object node) {
        Map<String, Object> m = (Map<String, Object>) node;
        return m.containsKey("$ref") ? (Map<String, Object>) resolve(doc, (String) m.get("$ref")) : m;
    }

    @SuppressWarnings("unchecked")
    static List<Operation> operations(Map<String, Object> doc) {
        List<Operation> out = new ArrayList<>();
        Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
        paths.forEach((path, item) -> {
            Map<String, Object> i = (Map<String, Object>) item;
            List<Object> shared = (List<Object>) i.getOrDefault("parameters", List.of());
            for (String method : List.of("get", "put", "post", "delete", "patch")) {
                if (i.containsKey(method)) {
                    out.add(new Operation(method.toUpperCase(Locale.ROOT), path, (Map<String, Object>) i.get(method), shared));
                }
            }
        });
        return out;
    }

    /** The operation's request, from its documented examples. */
    @SuppressWarnings("unchecked")
    static HttpRequest request(Map<String, Object> doc, String base, Operation o) throws Exception {
        List<Object> params = new ArrayList<>(o.pathParameters());
        params.addAll((List<Object>) o.op().getOrDefault("parameters", List.of()));
        String path = o.path();
        for (Object p : params) {
            Map<String, Object> param = deref(doc, p);
            if ("path".equals(param.get("in"))) {
                Object example = param.get("example");
                assertNotNull(example, o.route() + ": path parameter " + param.get("name") + " needs an example");
                path = path.replace("{" + param.get("name") + "}", example.toString());
            }
        }
        assertTrue(!path.contains("{"), o.route() + ": every path parameter documented");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        Map<String, Object> body = (Map<String, Object>) o.op().get("requestBody");
        if (body == null) {
            return b.method(o.method(), HttpRequest.BodyPublishers.noBody()).build();
        }
        Map<String, Object> content = (Map<String, Object>) body.get("content");
        Map.Entry<String, Object> first = content.entrySet().iterator().next();
        Object example = ((Map<String, Object>) first.getValue()).get("example");
        assertNotNull(example, o.route() + ": the request body needs an example");
        String text = example instanceof String s ? s : JSON.writeValueAsString(example);
        return b.header("Content-Type", first.getKey()).method(o.method(), HttpRequest.BodyPublishers.ofString(text)).build();
    }

    /** Status documented, 2xx (the examples are meant to work), and a documented media type for it. */
    @SuppressWarnings("unchecked")
    static void assertAnswersAsDocumented(Map<String, Object> doc, Operation o, HttpResponse<String> r) {
        Map<String, Object> responses = (Map<String, Object>) o.op().get("responses");
        Object documented = responses.get(String.valueOf(r.statusCode()));
        assertNotNull(documented, o.route() + " answered " + r.statusCode() + ", not documented: " + r.body());
        assertEquals(2, r.statusCode() / 100, o.route() + " with its documented example: " + r.body());
        Map<String, Object> content = (Map<String, Object>) deref(doc, documented).get("content");
        String type = r.headers().firstValue("Content-Type").orElseThrow().split(";")[0].strip();
        assertTrue(content.containsKey(type), o.route() + ": " + type + " not documented for " + r.statusCode());
    }

    @Test
    void adminDocumentMatchesTheRoutesAndEveryOperationAnswers() throws Exception {
        Map<String, Object> doc = load("icf-admin.yaml");
        List<Operation> ops = operations(doc);
        assertEquals(Set.copyOf(AdminApi.ROUTES), new LinkedHashSet<>(ops.stream().map(Operation::route).toList()),
                "the document and AdminApi.ROUTES name the same operations");

        InMemoryCredentialStore store = new InMemoryCredentialStore();
        // The documented IMSI example exists, so its view and revoke answer.
        store.insertAll(List.of(new Subscriber("001010000000001", SubscriberKind.PCID, Algorithm.MILENAGE, new byte[16], new byte[16],
                new byte[] {(byte) 0x80, 0}, 0, CredentialState.ISSUED, NOW, Duration.ofDays(365), "chtif-1", "provisioning", null)));
        IcfConfig cfg = AdminApiTest.config(AdminApiTest.yaml(IcfServerTest.freePort(), IcfServerTest.freePort(), ""));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        try (IcfServer icf = IcfServer.start(cfg, store, new SimpleMeterRegistry(), clock, new SecureRandom());
             JsonHttpServer admin = new AdminApi(cfg, store, icf.pcidRetirement(), new AdminApi.Origin("chtif-1", "provisioning"), clock,
                     new SecureRandom()).start(AdminApi.tls(cfg.admin().orElseThrow(), tmp))) {
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(TlsContexts.jdkClient(pki.credential("ro-admin"), List.of(pki.root("ro-root")))).build();
            String base = "https://127.0.0.1:" + admin.address().getPort();
            for (Operation o : ops) {
                assertAnswersAsDocumented(doc, o, client.send(request(doc, base, o), HttpResponse.BodyHandlers.ofString()));
            }
        }
        assertEquals(CredentialState.REVOKED, store.find("001010000000001").orElseThrow().state(), "the revoke example ran");
        assertTrue(store.pendingRenewal("001010000000001").isPresent(), "the renew example ran (before the revoke)");
        assertEquals(1 + 2 + 2 + 1, store.size(), "the issue, import and renew examples ran");
    }

    /** Serves the documented path; its documented 200 example, served by a CHTIF, is fetched and answered by a real ICF. */
    @Test
    @SuppressWarnings("unchecked")
    void chtifDocumentIsWhatTheIcfFetches() throws Exception {
        Map<String, Object> doc = load("chtif.yaml");
        List<Operation> ops = operations(doc);
        assertEquals(List.of("GET " + ChtifClient.PATH + "{imsi}"), ops.stream().map(Operation::route).toList());
        Operation get = ops.get(0);
        Map<String, Object> ok = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) get.op()
                .get("responses")).get("200")).get("content")).get("application/json");
        Map<String, Object> example = (Map<String, Object>) ok.get("example");
        String imsi = (String) example.get("imsi");

        try (TestChtif chtif = TestChtif.start(pki.credential("chtif"), List.of(pki.root("ro-root")), Set.of("icf"))) {
            chtif.script(i -> i.equals(imsi) ? JsonHttpServer.Response.ok(example)
                    : JsonHttpServer.Response.error(404, ChtifClient.UNKNOWN_REASON, "never issued"));
            HttpClient asIcf = HttpClient.newBuilder()
                    .sslContext(TlsContexts.jdkClient(pki.credential("icf"), List.of(pki.root("ro-root")))).build();
            assertAnswersAsDocumented(doc, get, asIcf.send(request(doc, chtif.url().toString(), get), HttpResponse.BodyHandlers.ofString()));

            Matcher range = Pattern.compile("^(\\d{7})").matcher(imsi);
            assertTrue(range.find());
            String yaml = IcfServerTest.yaml(IcfServerTest.freePort()) + """
                    chtif:
                      url: %s
                      imsi-ranges: ["%s"]
                      tls: {certificate: pki/icf.crt, key: pki/icf.key}
                      roots: [pki/ro-root.crt]
                      timeout: 20s
                    """.formatted(chtif.url(), range.group(1));
            IcfConfig cfg = IcfConfig.from(ConfigNode.parse("openapi-test.yaml", new StringReader(yaml)));
            InMemoryCredentialStore store = new InMemoryCredentialStore();
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (ChtifClient client = ChtifClient.start(ChtifClient.Settings.of(cfg.chtif().orElseThrow(), "provisioning"),
                    ChtifClient.tls(cfg.chtif().orElseThrow(), tmp), store, meters, clock);
                 IcfServer icf = IcfServer.start(cfg, store, meters, clock, new SecureRandom(), AttachEvents.NONE, client);
                 DiameterTestClient mme = new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain")) {
                assertEquals(ResultCode.DIAMETER_SUCCESS, mme.exchange(mme.cer(ApplicationId.S6A)).resultCode());
                assertEquals(ResultCode.DIAMETER_SUCCESS, mme.exchange(mme.air(imsi, 1, IcfServerTest.VISITED, null)).resultCode());
            }
            assertArrayEquals(Hex.decode((String) example.get("k")), store.find(imsi).orElseThrow().k());
        }
    }
}
