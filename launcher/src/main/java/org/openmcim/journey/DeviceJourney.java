package org.openmcim.journey;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsContexts;
import org.openmcim.sho.ShoCommand;
import org.openmcim.store.CredentialState;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;
import org.openmcim.uesim.Enb;
import org.openmcim.uesim.m2me.M2me;
import org.openmcim.uesim.nas.NasIes;
import org.openmcim.uesim.tre.LifecycleState;
import org.openmcim.uesim.tre.McimSlot;
import org.openmcim.uesim.tre.Tre;
import org.openmcim.uesim.ue.UeStateMachine;
import org.openmcim.wire.mcim.McimCredential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One M2ME through the whole journey of shared/DESIGN.md on a {@link DemoNetwork}: manufactured
 * with a PCID and a TRE, contracted to SHO1, attached through the real MME with the PCID (TR 33.812
 * steps 1-5), bootstrapped (6-8), provisioned through DPF, SHO1 and PVA (10-17), installed (18),
 * reported (19-20), re-attached with the MCIM IMSI (21), then moved to SHO2 by an operator change via
 * the old SHO (§5.1.3.7.4.2) and re-attached once more. Each step prints one line as it completes;
 * the first failure ends the journey and says where.
 */
public final class DeviceJourney {
    /** The lab's PLMN and tracking area (lab/README.md). */
    public static final PlmnId PLMN = new PlmnId("001", "01");
    public static final int TAC = 12345;
    /** The model and measurements config/pva.yaml holds reference values for. */
    public static final String MODEL = "m2me-meter-1";
    public static final Map<String, String> MEASUREMENTS = Map.of(
            "bootloader", "3b1f0d2c5e8a9b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c",
            "firmware", "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90");
    private static final Duration STEP = Duration.ofSeconds(30);

    /** What became of a device: its identities and where it stopped, if it did not finish. */
    public record Outcome(int device, String treId, String pcid, String mcim1, String mcim2, boolean finished, String failedAt,
                          Duration took) {
    }

    private final int number;
    private final DemoNetwork net;
    private final Enb enb;
    private final AtomicLong s1apIds;
    private final Clock clock;
    private final SecureRandom random;
    private final Path dir;
    private final Consumer<String> out;
    private final ObjectMapper json = new ObjectMapper();
    private final String pcid;
    private final String treId;
    private String at = "manufacture";
    private byte[] k;
    private byte[] opc;
    private Credential platform;
    /** The USIM holding the PCID: one for the device's life, so its SQN array sees every access (TS 33.102 C.2). */
    private Usim pcidUsim;
    private Tre tre;
    private M2me m2me;
    private String mcim1 = "";
    private String mcim2 = "";

    public DeviceJourney(int number, String pcid, DemoNetwork net, Enb enb, AtomicLong s1apIds, Clock clock, SecureRandom random, Path dir,
                         Consumer<String> out) {
        this.number = number;
        this.pcid = pcid;
        this.treId = String.format("tre-demo-%04d", number);
        this.net = net;
        this.enb = enb;
        this.s1apIds = s1apIds;
        this.clock = clock;
        this.random = random;
        this.dir = dir;
        this.out = out;
    }

    private void say(String step, String what) {
        out.accept(String.format("device %-3d %-15s %-16s %s", number, pcid, step, what));
    }

    public Outcome run() {
        long t0 = System.nanoTime();
        try {
            journey();
            return new Outcome(number, treId, pcid, mcim1, mcim2, true, "", Duration.ofNanos(System.nanoTime() - t0));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String why = e instanceof ExecutionException && e.getCause() != null ? e.getCause().toString() : e.toString();
            say("FAILED", "at " + at + ": " + why);
            return new Outcome(number, treId, pcid, mcim1, mcim2, false, at, Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    private void journey() throws Exception {
        manufacture(MEASUREMENTS);
        contract();
        Enb.Attachment pcidAttach = attachWithPcid();
        McimSlot slot1 = provision();
        detach(pcidAttach, "PCID");
        Enb.Attachment sho1Attach = attachWithActiveMcim();
        McimSlot slot2 = changeOperator("sho2");
        Enb.Attachment sho2Attach = switchTo(slot2, sho1Attach);
        tre.transition(slot1.id(), LifecycleState.RETIRED);
        say("op-change", "SHO1's MCIM " + slot1.imsi() + " RETIRED in the TRE");
        detach(sho2Attach, "SHO2 MCIM");
        at = "";
        say("done", "journey complete");
    }

    /**
     * Manufacture: the CHTIF issues the PCID into the ICF's store (IoT seed §3.1 mode 1), the supplier
     * certifies the TRE's platform key, the TRE holds only the PCID (pristine). {@code measurements}
     * are what the TRE will attest to (the PVA's references for {@link #MODEL} are {@link #MEASUREMENTS}).
     */
    public void manufacture(Map<String, String> measurements) throws Exception {
        manufacture(measurements, net.drfDeviceUrl());
    }

    /** As {@link #manufacture(Map)}, with the device configured for the DRF at {@code drf}. */
    public void manufacture(Map<String, String> measurements, URI drf) throws Exception {
        at = "manufacture";
        k = new byte[16];
        opc = new byte[16];
        random.nextBytes(k);
        random.nextBytes(opc);
        pcidUsim = new Usim(Milenage.withOpc(k, opc), new SqnArray(SqnPolicy.DEFAULT));
        byte[] amf = {(byte) 0x80, 0};
        net.icfStore.insertAll(List.of(new Subscriber(pcid, SubscriberKind.PCID, Algorithm.MILENAGE, k, opc, amf, 0, CredentialState.ISSUED,
                clock.instant(), Duration.ofDays(30), "chtif-demo", "provisioning", null)));
        CertificateAuthority supplier = CertificateAuthority.of(net.pki.credential("supplier-root"), random);
        platform = supplier.issue(treId, CertificateAuthority.Usage.SIGNING, List.of(), List.of(), clock.instant(), Duration.ofDays(3650));
        deleteTree(dir);
        List<X509Certificate> shoRoots = List.of(net.pki.root("sho1-root"), net.pki.root("sho2-root"));
        // The RO root too: the TRE takes a renewed PCID signed by the RO (TR §5.1.3.7.4.3 NOTE 2).
        tre = Tre.manufacture(dir, treId, platform, new McimCredential(pcid, k, opc, amf, 0, "milenage", "provisioning", null), shoRoots,
                List.of(net.pki.root("ro-root")), random);
        m2me = new M2me(tre, platform, new M2me.Settings(drf, List.of(net.pki.root("ro-root")), shoRoots, MODEL,
                measurements, Duration.ofSeconds(20)), clock);
        say("manufacture", "TRE " + treId + " (platform credential from the supplier root), PCID in the ICF's store; pristine");
    }

    /** Alternative 1 (before step 1): the subscriber contracts with SHO1, which registers the PCID at the DRF. */
    public void contract() throws Exception {
        at = "contract";
        JsonNode c = admin(net.sho1, "sho1", "/sho/v1/contracts", Map.of("treId", treId, "pcid", pcid));
        require(c.path("drfRegistered").asBoolean(), "SHO1 could not register the PCID at the DRF");
        say("contract", "subscriber contracts with SHO1; SHO1 registers PCID → SHO1 at the DRF");
    }

    /** Steps 1-6: attach with the PCID through the real MME; the PGW's Gx CCR-I tells the ICF, which tells the DRF. */
    public Enb.Attachment attachWithPcid() throws Exception {
        at = "steps 1-5 (PCID attach)";
        Enb.Attachment a = attach(pcid, pcidUsim, "provisioning");
        say("steps 1-5", "attached with the PCID via the NextEPC MME: ICF answered AIR (Milenage vector) and ULR (APN provisioning)");
        at = "step 6 (ICF → DRF)";
        InetAddress ip = net.attachedAt(pcid).get(STEP.toSeconds(), TimeUnit.SECONDS);
        say("step 6", "PGW → ICF Gx CCR-I: PCID attached at " + ip.getHostAddress() + "; ICF → DRF");
        return a;
    }

    /** Steps 7-8: the DRF looks up the SHO and hands out the signed bootstrap (pulled: the simulator has no user plane). */
    public M2me.Bootstrap bootstrap() throws Exception {
        at = "steps 7-8 (bootstrap)";
        M2me.Bootstrap boot = m2me.pullBootstrap(pcid);
        say("steps 7-8", "bootstrap from the DRF (" + boot.path() + "): SHO " + boot.message().sho().id() + ", PROVURL "
                + boot.message().provUrl() + ", RO signature verified");
        return boot;
    }

    /** Steps 7-20: bootstrap, DPF → SHO → PVA, install (activated with a way back), report. */
    public McimSlot provision() throws Exception {
        M2me.Bootstrap boot = bootstrap();
        at = "steps 10-17 (provision)";
        M2me.Download d1 = m2me.provision(boot);
        say("steps 10-17", "DPF → " + boot.message().sho().id() + " → PVA: platform valid; MCIMobj " + d1.objectId()
                + " sealed for the TRE key, delivered");
        return installAndReport(d1);
    }

    /** Steps 18-20 for a delivered MCIMobj. */
    public McimSlot installAndReport(M2me.Download d) throws Exception {
        at = "step 18 (install)";
        McimSlot slot = m2me.install(d);
        tre.activateWithFallback(slot.id(), clock.instant().plus(Duration.ofMinutes(5)));
        mcim1 = slot.imsi();
        say("step 18", "TRE verified " + slot.sho() + "'s signature, decrypted and installed MCIM IMSI " + slot.imsi() + "; ACTIVATED");
        at = "steps 19-20 (report)";
        m2me.report(d, true, "installed");
        say("steps 19-20", "success reported via the DPF to " + slot.sho() + "; PCID at the ICF: "
                + net.icfStore.find(pcid).map(Subscriber::state).map(Object::toString).orElse("gone"));
        return slot;
    }

    /** Step 21: attach as the active MCIM's subscriber through the same MME (S6a relayed by the ICF to the SHO's HSS). */
    public Enb.Attachment attachWithActiveMcim() throws Exception {
        at = "step 21 (MCIM attach)";
        McimSlot slot = tre.active().orElseThrow(() -> new IllegalStateException("no active MCIM"));
        McimCredential cred = slot.credential();
        Usim usim = tre.usim(slot.id());
        Enb.Attachment a = attach(cred.imsi(), usim, cred.apn());
        tre.recordSqn(slot.id(), usim.sqnArray()); // the slot's SEQ_MS array survives (TS 33.102 C.2.2)
        tre.transition(slot.id(), LifecycleState.SELECTED);
        tre.confirmAttach();
        say("step 21", "attached with MCIM IMSI " + cred.imsi() + " via the same MME; ICF relayed S6a to hss." + slot.sho() + "; APN "
                + cred.apn() + "; slot SELECTED");
        return a;
    }

    /**
     * Operator change via the old SHO (§5.1.3.7.4.2 steps 1-17), over the old SHO's connectivity:
     * token, registration by the new SHO, bootstrap, DPF → new SHO → PVA, install beside the old MCIM,
     * discard at the old SHO, report. The new MCIM is INSTALLED, not yet in use.
     */
    public McimSlot changeOperator(String to) throws Exception {
        ShoCommand.Running newSho = net.sho(to);
        String from = tre.active().orElseThrow().sho();
        ShoCommand.Running oldSho = net.sho(from);
        at = "op-change 1-2 (token)";
        String token = tre.authorizeOperatorChange(to, clock.instant(), Duration.ofHours(1));
        JsonNode oc = admin(newSho, to, "/sho/v1/operator-change", Map.of("treId", treId, "pcid", pcid, "treCertificate",
                Base64.getEncoder().encodeToString(platform.certificate().getEncoded()), "authorizationToken", token));
        require(oc.path("drfRegistered").asBoolean(), to + " could not register the operator change at the DRF");
        say("op-change 1-2", "TRE-signed authorization token to " + to + "; " + to + " registers the change at the DRF");

        at = "op-change 3-9 (provision)";
        M2me.Bootstrap boot = m2me.pullBootstrap(pcid);
        M2me.Download d = m2me.provision(boot);
        say("op-change 3-9", "bootstrap (" + boot.path() + ", SHO " + boot.message().sho().id() + "); DPF → " + to + " → PVA: valid; MCIMobj "
                + d.objectId() + " with the token");

        at = "op-change 10 (install)";
        McimSlot slot = m2me.install(d);
        mcim2 = slot.imsi();
        say("op-change 10", "TRE checked the token and installed " + to + "'s MCIM IMSI " + slot.imsi() + " beside " + from + "'s");

        at = "op-change 11-12 (discard)";
        m2me.discardAt(net.shoDeviceUrl(oldSho), token);
        say("op-change 11-12", "discard message to " + from + ", acknowledged (it keeps the old MCIM through its grace period)");

        at = "op-change 15-17 (report)";
        m2me.report(d, true, "installed");
        say("op-change 15-17", "success reported via the DPF to " + to + "; " + to + " registers the device as its own at the DRF");
        return slot;
    }

    /** Ends the session on the old MCIM, activates {@code next} with a way back (IoT seed step 15 NOTE) and attaches with it. */
    public Enb.Attachment switchTo(McimSlot next, Enb.Attachment current) throws Exception {
        at = "op-change (re-attach)";
        McimSlot old = tre.active().orElseThrow();
        detach(current, old.sho() + " MCIM");
        tre.transition(old.id(), LifecycleState.ACTIVATED); // the session ended
        tre.activateWithFallback(next.id(), clock.instant().plus(Duration.ofMinutes(5)));
        McimCredential cred = tre.active().orElseThrow().credential();
        Usim usim = tre.usim(next.id());
        Enb.Attachment a = attach(cred.imsi(), usim, cred.apn());
        tre.recordSqn(next.id(), usim.sqnArray());
        tre.confirmAttach();
        say("op-change", "attached with " + next.sho() + "'s MCIM IMSI " + cred.imsi() + " via the same MME (relayed to hss." + next.sho()
                + ")");
        return a;
    }

    /**
     * Reverting to the pristine state (TR 33.812 §5.1.3.7.4.3): the subscriber asks the new SHO
     * {@code to} (step 1), which registers the revert with the RO; the RO re-issues the PCID and its
     * DRF instructs the device with a bootstrap for operation revert-to-pristine (step 2); the TRE
     * removes every MCIM (step 3); the device provisions from its PCID as in §5.1.3.6 (step 4) and
     * attaches with the new MCIM.
     */
    public Enb.Attachment revertToPristine(String to, Enb.Attachment current) throws Exception {
        ShoCommand.Running newSho = net.sho(to);
        at = "revert 1-2 (request)";
        JsonNode r = admin(newSho, to, "/sho/v1/revert-to-pristine", Map.of("treId", treId, "pcid", pcid));
        require(r.path("drfRegistered").asBoolean(), to + " could not register the revert at the DRF");
        say("revert 1-2", "subscriber asks " + to + " to re-provision the device; " + to + " registers the revert at the RO; PCID at the ICF: "
                + net.icfStore.find(pcid).map(Subscriber::state).map(Object::toString).orElse("gone"));
        at = "revert 2 (instruction)";
        M2me.Bootstrap b = m2me.pullBootstrap(pcid);
        require(b.message().mcim().operation() == org.openmcim.wire.bootstrap.BootstrapMessage.Operation.REVERT_TO_PRISTINE,
                "the DRF's bootstrap is for " + b.message().mcim().operation() + ", not revert-to-pristine");
        say("revert 2", "RO instructs re-provisioning: bootstrap (" + b.path() + ") for operation revert-to-pristine, SHO " + b.message().sho().id()
                + ", RO signature verified");
        at = "revert 3 (pristine)";
        McimSlot active = tre.active().orElseThrow(() -> new IllegalStateException("no active MCIM"));
        detach(current, active.sho() + " MCIM");
        if (tre.active().orElseThrow().state() == LifecycleState.SELECTED) {
            tre.transition(active.id(), LifecycleState.ACTIVATED); // the session ended
        }
        tre.revertToPristine();
        require(tre.pristine(), "the TRE is not pristine");
        say("revert 3", "TRE removed every MCIM: pristine, only the PCID credential left");
        at = "revert 4 (re-provision)";
        Enb.Attachment pcidAttach = attachWithPcid();
        provision();
        detach(pcidAttach, "PCID");
        return attachWithActiveMcim();
    }

    public Tre tre() {
        return tre;
    }

    /** Where the TRE's sealed store lives. */
    public Path dir() {
        return dir;
    }

    /** The TRE platform credential (supplier-certified). */
    public Credential platform() {
        return platform;
    }

    public M2me m2me() {
        return m2me;
    }

    public String pcid() {
        return pcid;
    }

    public String treId() {
        return treId;
    }

    /** The device's USIM for the PCID (the same one across attaches and EAP-AKA' runs). */
    public Usim pcidUsim() {
        return pcidUsim;
    }

    /** The PCID's Milenage keys {K, OPc}, as the USIM holds them. */
    public byte[][] pcidKeys() {
        return new byte[][] {k.clone(), opc.clone()};
    }

    /** Attaches a UE with these credentials; fails with the EMM cause if the network rejects it. */
    public Enb.Attachment attach(String imsi, byte[] k, byte[] opc, String apn) throws Exception {
        return attach(imsi, new Usim(Milenage.withOpc(k, opc), new SqnArray(SqnPolicy.DEFAULT)), apn);
    }

    /** Attaches a UE whose USIM is {@code usim}. */
    public Enb.Attachment attach(String imsi, Usim usim, String apn) throws Exception {
        UeStateMachine ue = new UeStateMachine(new UeStateMachine.Profile(imsi, NasIes.UeNetworkCapability.of(List.of(0, 2), List.of(2)), apn,
                PLMN), usim);
        net.paceAttach();
        Enb.Attachment a = enb.attach(ue, imsi, s1apIds.incrementAndGet());
        boolean ok;
        try {
            ok = a.registered().get(STEP.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no Attach Accept for " + imsi + " within " + STEP.toSeconds() + " s");
        }
        if (!ok) {
            Enb.Result r = a.result().getNow(null);
            throw new IllegalStateException("attach of " + imsi + " failed" + (r == null ? "" : r.rejectCause().map(cause -> ": EMM cause "
                    + cause).orElse("")));
        }
        return a;
    }

    public void detach(Enb.Attachment a, String what) throws Exception {
        Enb.Result r = a.detach().get(STEP.toSeconds(), TimeUnit.SECONDS);
        require(r.detached(), "the " + what + " detach did not complete");
    }

    /** An administrator of {@code sho} (the lab uses the SHO's own certificate, config/shoN.yaml admin.names). */
    private JsonNode admin(ShoCommand.Running sho, String id, String path, Map<String, String> body) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(net.pki.credential(id), List.of(net.pki.root(id + "-root"))))
                // The JDK client's connect timeout evidently covers the TLS handshake (loopback TCP connects do not take 5 s): too short for the
                // first eight devices' handshakes at once against a cold SHO at load average 20-30.
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(STEP).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(net.shoUrl(sho) + path)).timeout(STEP)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode a = r.body().isEmpty() ? json.createObjectNode() : json.readTree(r.body());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(id + " " + path + ": HTTP " + r.statusCode() + " " + a.path("error").asText() + " "
                    + a.path("message").asText());
        }
        return a;
    }

    private static void require(boolean ok, String failure) {
        if (!ok) {
            throw new IllegalStateException(failure);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
            for (Path x : all) {
                Files.delete(x);
            }
        }
    }
}
