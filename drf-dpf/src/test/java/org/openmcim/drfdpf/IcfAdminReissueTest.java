package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.AuthenticationFunctions;
import org.openmcim.config.ConfigException;
import org.openmcim.drf.DrfCommand;
import org.openmcim.drf.DrfConfig;
import org.openmcim.drf.DrfServer;
import org.openmcim.drf.IcfAdminPcids;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.icf.IcfServer;
import org.openmcim.icf.admin.AdminApi;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;
import org.openmcim.store.cli.StoreRuntime;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * TR 33.812 §5.1.3.7.4.3 step 2 with the DRF on its own state directory (config/drf.yaml as shipped,
 * plus {@code icf-admin:}): an SHO registers a revert to the pristine state and the DRF has the ICF
 * re-issue the PCID over the ICF's admin API (mutual TLS, the DRF's certificate listed in the ICF's
 * {@code admin.reissuers}) — a real ICF and admin listener, the real DRF command wiring.
 */
class IcfAdminReissueTest {
    static final String RETIRED = "001010000000081";
    static final String REVOKED = "001010000000082";

    @TempDir
    Path tmp;

    @Test
    void aRevertRegistrationReissuesTheRetiredPcidAtTheIcf() throws Exception {
        DevelopmentPki pki = DevelopmentPki.init(tmp.resolve(".work/pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        Path conf = Files.createDirectories(tmp.resolve("config"));
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        int[] ports = HazelcastStateTest.freePorts(4);

        InMemoryCredentialStore store = new InMemoryCredentialStore();
        for (String pcid : List.of(RETIRED, REVOKED)) {
            store.insertAll(List.of(new Subscriber(pcid, SubscriberKind.PCID, AuthenticationFunctions.Algorithm.MILENAGE, new byte[16],
                    new byte[16], new byte[] {(byte) 0x80, 0}, 0, CredentialState.ATTACHED, Instant.now(), null, "chtif", "provisioning", null)));
        }
        store.transition(RETIRED, CredentialState.RETIRED, Instant.now());
        store.transition(REVOKED, CredentialState.REVOKED, Instant.now());

        Files.writeString(conf.resolve("icf.yaml"),
                org.openmcim.icf.IcfFixtures.icfYaml(ports[0]) + org.openmcim.icf.IcfFixtures.adminYaml(ports[1], "../.work/pki"));
        IcfConfig icfConfig = IcfConfig.load(conf.resolve("icf.yaml"));
        String drfYaml = Files.readString(repo.resolve("config/drf.yaml"))
                .replace("127.0.0.1:8441", "127.0.0.1:" + ports[2]).replace("127.0.0.1:8442", "127.0.0.1:" + ports[3])
                .replace("metrics: 127.0.0.1:9465", "")
                + "icf-admin:\n  url: https://localhost:" + ports[1] + "\n  roots: [../.work/pki/ro-root.crt]\n  timeout: 3s\n";
        Files.writeString(conf.resolve("drf.yaml"), drfYaml);
        DrfConfig drfConfig = DrfConfig.load(conf.resolve("drf.yaml"));
        assertTrue(drfConfig.icfAdmin().isPresent());

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StoreRuntime runtime = new StoreRuntime(System::getenv, Clock.systemUTC(), new SecureRandom(), Map.of());
        try (IcfServer icf = IcfServer.start(icfConfig, store, new SimpleMeterRegistry(), Clock.systemUTC(), new SecureRandom());
             JsonHttpServer admin = new AdminApi(icfConfig, store, icf.pcidRetirement(), new AdminApi.Origin("ro", "provisioning"),
                     Clock.systemUTC(), new SecureRandom()).start(AdminApi.tls(icfConfig.admin().orElseThrow(), conf));
             org.openmcim.dpf.StateStore.Serving<DrfServer> drf = DrfCommand.launch(drfConfig, runtime, meters)) {
            HttpClient asSho = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(pki.credential("sho1"), List.of(pki.root("ro-root"))))
                    .version(HttpClient.Version.HTTP_1_1).build();
            URI registrations = URI.create("https://localhost:" + ports[3] + "/drf/v1/registrations");
            for (String pcid : List.of(RETIRED, REVOKED)) {
                Map<String, Object> reg = new LinkedHashMap<>();
                reg.put("pcid", pcid);
                reg.put("treId", "tre-0081");
                reg.put("shoId", "sho1");
                reg.put("shoUrl", "https://localhost:9443");
                reg.put("dpfUrl", "https://localhost:8443/dpf/v1");
                assertEquals(201, Lab.post(asSho, registrations, reg).status());
                reg.put("operation", "revert-to-pristine");
                Lab.Answer revert = Lab.post(asSho, registrations, reg);
                assertEquals(200, revert.status(), String.valueOf(revert.body()));
            }
            awaitCount(meters, "reissued", 1);
            awaitCount(meters, "refused", 1);
            assertEquals(CredentialState.ISSUED, store.find(RETIRED).orElseThrow().state(), "re-issued at the ICF");
            assertEquals(CredentialState.REVOKED, store.find(REVOKED).orElseThrow().state(), "the ICF refused: unchanged");

            // The SHO repeats the revert (e.g. its first answer was lost): the ICF says the PCID was
            // already ISSUED, and the DRF counts it so, not as a second re-issue.
            Map<String, Object> again = new LinkedHashMap<>();
            again.put("pcid", RETIRED);
            again.put("treId", "tre-0081");
            again.put("shoId", "sho1");
            again.put("shoUrl", "https://localhost:9443");
            again.put("dpfUrl", "https://localhost:8443/dpf/v1");
            again.put("operation", "revert-to-pristine");
            assertEquals(200, Lab.post(asSho, registrations, again).status());
            awaitCount(meters, "already-issued", 1);
            assertEquals(1.0, meters.find("drf.pcid.reissue").tag("outcome", "reissued").counter().count(), "not counted twice");
            assertEquals(CredentialState.ISSUED, store.find(RETIRED).orElseThrow().state());
        }
    }

    @Test
    void anUnreachableIcfIsTriedThreeTimesThenCountedFailed() throws Exception {
        DevelopmentPki pki = DevelopmentPki.init(tmp.resolve(".work/pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        int nobody = HazelcastStateTest.freePorts(1)[0];
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DrfConfig.IcfAdmin cfg = new DrfConfig.IcfAdmin(URI.create("https://localhost:" + nobody), List.of(pki.root("ro-root")),
                Duration.ofSeconds(2));
        try (IcfAdminPcids icf = new IcfAdminPcids(cfg, pki.credential("drf"), org.openmcim.pki.TlsProvider.preferred(), meters)) {
            long t0 = System.nanoTime();
            assertEquals("failed", icf.reissue(RETIRED).get(30, java.util.concurrent.TimeUnit.SECONDS));
            // Three attempts: at 0, 1 s and 1 + 3 s (each refused at once on loopback).
            assertTrue(System.nanoTime() - t0 >= Duration.ofSeconds(4).toNanos(), "the retries were spaced");
            assertEquals("refused", icf.reissue("not-an-imsi").get(5, java.util.concurrent.TimeUnit.SECONDS), "no call for a malformed PCID");
        }
        assertEquals(1.0, meters.find("drf.pcid.reissue").tag("outcome", "failed").counter().count());
    }

    @Test
    void icfAdminNeedsADirectoryStore() throws Exception {
        DevelopmentPki.init(tmp.resolve(".work/pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        Path conf = Files.createDirectories(tmp.resolve("config"));
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        String yaml = Files.readString(repo.resolve("config/drf.yaml"))
                .replaceAll("(?ms)^store:.*?^state-dir:[^\n]*\n", "store:\n  type: hazelcast\n  config: store.yaml\n")
                + "icf-admin:\n  url: https://localhost:8445\n  roots: [../.work/pki/ro-root.crt]\n";
        Files.writeString(conf.resolve("drf.yaml"), yaml);
        Files.copy(repo.resolve("config/store.yaml"), conf.resolve("store.yaml")); // the store file itself is fine
        String m = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> DrfConfig.load(conf.resolve("drf.yaml")))
                .getMessage();
        assertTrue(m.contains("icf-admin: only with store type directory"), m);
    }

    private static void awaitCount(SimpleMeterRegistry meters, String outcome, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            var c = meters.find("drf.pcid.reissue").tag("outcome", outcome).counter();
            if (c != null && c.count() >= n) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("drf.pcid.reissue{outcome=" + outcome + "} did not reach " + n + " in 20 s");
    }
}
