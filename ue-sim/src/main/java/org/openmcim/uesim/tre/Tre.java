package org.openmcim.uesim.tre;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.openmcim.aka.Milenage;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.pki.Credential;
import org.openmcim.wire.jws.Jws;
import org.openmcim.wire.mcim.McimCredential;
import org.openmcim.wire.mcim.McimObject;
import org.openmcim.wire.mcim.McimObjectCodec;
import org.openmcim.wire.mcim.PcidRenewalCodec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The M2ME's trusted environment (TR 33.812 §5.1.3; IoT seed §3.2.3): holds the PCID credential
 * (the pristine state), the platform credential, and MCIM slots — several may be stored, at most
 * one active (ACTIVATED or SELECTED) at a time, as the operator-change design principles require.
 * Every change is persisted before it counts; an MCIMobj is installed only whole (verified,
 * decrypted, token checked), and any failure leaves the previous state untouched.
 *
 * <p>Not thread-safe: one device drives it.
 */
public final class Tre {
    public static final String TOKEN_TYPE = "openmcim-opchange+json";

    private final ObjectMapper json = new ObjectMapper();
    private final Jws jws = new Jws();
    private final SealedStore store;
    private final String treId;
    private final Credential platform;
    private final List<X509Certificate> shoRoots;
    /** Roots a renewed PCID must be signed under: the RO's (TR §5.1.3.7.4.3 NOTE 2); empty = renewals refused. */
    private final List<X509Certificate> roRoots;
    private final McimObjectCodec codec;
    private final PcidRenewalCodec renewalCodec;
    private final SecureRandom random;

    private McimCredential pcid;
    private final Map<String, McimSlot> slots = new LinkedHashMap<>();
    /** Authorization tokens issued and not yet used (their nonces): single use. */
    private final Set<String> openTokens = new HashSet<>();
    private Instant fallbackDeadline;

    /** Why an MCIMobj was not installed; nothing changed. */
    public static final class InstallException extends Exception {
        public InstallException(String reason) {
            super(reason);
        }
    }

    private Tre(SealedStore store, String treId, Credential platform, List<X509Certificate> shoRoots, List<X509Certificate> roRoots,
                SecureRandom random) {
        this.store = store;
        this.treId = treId;
        this.platform = platform;
        this.shoRoots = List.copyOf(shoRoots);
        this.roRoots = List.copyOf(roRoots);
        this.random = random;
        this.codec = new McimObjectCodec(random);
        this.renewalCodec = new PcidRenewalCodec(random);
    }

    /** Manufacture: a TRE in the pristine state, holding only its PCID credential; it trusts no RO root, so takes no renewal. */
    public static Tre manufacture(Path dir, String treId, Credential platform, McimCredential pcid, List<X509Certificate> shoRoots,
                                  SecureRandom random) throws IOException {
        return manufacture(dir, treId, platform, pcid, shoRoots, List.of(), random);
    }

    /**
     * Manufacture, trusting {@code roRoots} for renewed PCIDs (the RO root the M2ME already trusts for
     * its bootstrap messages).
     */
    public static Tre manufacture(Path dir, String treId, Credential platform, McimCredential pcid, List<X509Certificate> shoRoots,
                                  List<X509Certificate> roRoots, SecureRandom random) throws IOException {
        Tre t = new Tre(SealedStore.create(dir, random), treId, platform, shoRoots, roRoots, random);
        t.pcid = pcid;
        t.persist();
        return t;
    }

    /** After a restart: the state as last persisted (no RO root: renewals refused). */
    public static Tre open(Path dir, Credential platform, List<X509Certificate> shoRoots, SecureRandom random) throws IOException {
        return open(dir, platform, shoRoots, List.of(), random);
    }

    /** After a restart: the state as last persisted, trusting {@code roRoots} for renewed PCIDs. */
    public static Tre open(Path dir, Credential platform, List<X509Certificate> shoRoots, List<X509Certificate> roRoots,
                           SecureRandom random) throws IOException {
        SealedStore s = SealedStore.open(dir, random);
        JsonNode state = new ObjectMapper().readTree(s.readState());
        Tre t = new Tre(s, state.path("treId").asText(), platform, shoRoots, roRoots, random);
        t.pcid = McimCredential.fromJson(s.unseal("pcid", Base64.getDecoder().decode(state.path("pcid").asText())));
        for (JsonNode n : state.path("slots")) {
            String id = n.path("id").asText();
            McimCredential c = McimCredential.fromJson(s.unseal("slot:" + id, Base64.getDecoder().decode(n.path("credential").asText())));
            long[] seq = new long[n.path("seqMs").size()];
            for (int i = 0; i < seq.length; i++) {
                seq[i] = n.path("seqMs").get(i).asLong();
            }
            t.slots.put(id, new McimSlot(id, n.path("sho").asText(), c.imsi(), LifecycleState.valueOf(n.path("state").asText()), c, seq,
                    n.hasNonNull("previous") ? n.get("previous").asText() : null));
        }
        state.path("openTokens").forEach(x -> t.openTokens.add(x.asText()));
        if (state.hasNonNull("fallbackDeadline")) {
            t.fallbackDeadline = Instant.parse(state.get("fallbackDeadline").asText());
        }
        return t;
    }


    public String treId() {
        return treId;
    }

    public PublicKey platformKey() {
        return platform.certificate().getPublicKey();
    }

    public McimCredential pcid() {
        return pcid;
    }

    public List<McimSlot> slots() {
        return List.copyOf(slots.values());
    }

    /** Pristine state: only the PCID credential (TR §5.1.3.7.4.3). */
    public boolean pristine() {
        return slots.isEmpty();
    }

    /** The MCIM in use, if any: the one slot ACTIVATED or SELECTED. */
    public Optional<McimSlot> active() {
        return slots.values().stream().filter(s -> s.state() == LifecycleState.ACTIVATED || s.state() == LifecycleState.SELECTED)
                .findFirst();
    }

    /**
     * Installs an MCIMobj (TR step 18 / operator-change step 14): the SHO signature must chain to a
     * trusted SHO root, the object must be addressed to this TRE and decrypt with its platform key;
     * an operator-change object must carry a token this TRE issued, unused and unexpired, for that
     * SHO. The new slot is INSTALLED; nothing else changes.
     */
    public McimSlot install(String sealedMcimObject, Instant now) throws InstallException {
        return install(sealedMcimObject, null, now);
    }

    /**
     * Installs an MCIM package: the MCIMobj as {@link #install(String, Instant)}, and, if the RO's
     * DPF added one, the renewed PCID that rides with it (TR §5.1.3.7.4.3 NOTE 2: "the credential
     * would be extracted, stored, and used exclusively in the TRE"). The renewal must be signed under
     * an RO root this TRE trusts, be for this TRE and this MCIMobj, and replace the PCID this TRE
     * holds. Both go in with one persisted state or neither does: afterwards the pristine credential
     * is the new PCID, so a revert to the pristine state attaches with it.
     *
     * @param pcidRenewal the RO-signed renewal ({@code PcidRenewalCodec}), or null
     */
    public McimSlot install(String sealedMcimObject, String pcidRenewal, Instant now) throws InstallException {
        McimObject o;
        try {
            o = codec.open(sealedMcimObject, treId, platform.key(), shoRoots, now);
        } catch (Jws.InvalidJwsException e) {
            throw new InstallException(e.getMessage());
        }
        if (slots.containsKey(o.objectId())) {
            throw new InstallException("already-installed: object " + o.objectId());
        }
        String usedToken = null;
        if ("operator-change".equals(o.operation())) {
            usedToken = checkToken(o.authorizationToken(), o.sho(), now);
        }
        if (o.part("mcim") == null) {
            throw new InstallException("malformed: no mcim part");
        }
        McimCredential c;
        try {
            c = McimCredential.fromJson(o.part("mcim").content());
        } catch (IllegalArgumentException e) {
            throw new InstallException("malformed: mcim part");
        }
        McimCredential renewed = pcidRenewal == null ? null : openRenewal(pcidRenewal, o.objectId(), now);
        McimSlot slot = new McimSlot(o.objectId(), o.sho(), c.imsi(), LifecycleState.INSTALLED, c, new long[32], null);
        McimCredential oldPcid = pcid;
        slots.put(slot.id(), slot);
        if (renewed != null) {
            pcid = renewed;
        }
        if (usedToken != null) {
            openTokens.remove(usedToken);
        }
        try {
            persist();
        } catch (UncheckedIOException e) {
            slots.remove(slot.id()); // not persisted, not installed
            pcid = oldPcid;
            if (usedToken != null) {
                openTokens.add(usedToken);
            }
            throw new InstallException("storage: " + e.getCause().getMessage());
        }
        return slot;
    }

    /** The renewed PCID, checked; its APN is the current PCID's when the renewal names none. */
    private McimCredential openRenewal(String pcidRenewal, String objectId, Instant now) throws InstallException {
        if (roRoots.isEmpty()) {
            throw new InstallException("untrusted-signer: this TRE trusts no RO root for PCID renewals");
        }
        PcidRenewalCodec.PcidRenewal r;
        try {
            r = renewalCodec.open(pcidRenewal, treId, objectId, platform.key(), roRoots, now);
        } catch (Jws.InvalidJwsException e) {
            throw new InstallException("pcid-renewal " + e.getMessage());
        }
        if (!r.replaces().equals(pcid.imsi())) {
            throw new InstallException("wrong-pcid: the renewal replaces another PCID than this TRE's");
        }
        McimCredential n = r.credential();
        if (!"milenage".equalsIgnoreCase(n.algorithm())) {
            throw new InstallException("unsupported-algorithm: renewed PCID uses " + n.algorithm());
        }
        return n.apn() == null || n.apn().isEmpty()
                ? new McimCredential(n.imsi(), n.k(), n.opc(), n.amf(), n.sqn(), n.algorithm(), pcid.apn(), n.msisdn()) : n;
    }

    /**
     * A lifecycle transition of the IoT seed §3.2.2, only along its allowed edges; activating (or
     * unblocking) is refused while another MCIM is active.
     *
     * @throws IllegalStateException for a forbidden transition (nothing changes)
     */
    public void transition(String slotId, LifecycleState to) {
        McimSlot s = slot(slotId);
        if (!to.from().contains(s.state())) {
            throw new IllegalStateException(slotId + ": " + s.state() + " → " + to + " is not an allowed transition");
        }
        if (to == LifecycleState.ACTIVATED && s.state() != LifecycleState.SELECTED) {
            active().filter(a -> !a.id().equals(slotId)).ifPresent(a -> {
                throw new IllegalStateException("MCIM " + a.id() + " is active; at most one may be");
            });
        }
        Map<String, McimSlot> before = new LinkedHashMap<>(slots);
        if (to == LifecycleState.DELETED) {
            slots.remove(slotId);
        } else {
            slots.put(slotId, s.with(to));
        }
        commit(before);
    }

    /**
     * Takes a newly installed MCIM into use with a way back (IoT seed step 15 NOTE): the active MCIM
     * is blocked, the new one activated; unless {@link #confirmAttach} is called by
     * {@code deadline}, {@link #fallbackIfDue} reverts.
     */
    public void activateWithFallback(String slotId, Instant deadline) {
        McimSlot s = slot(slotId);
        if (s.state() != LifecycleState.INSTALLED) {
            throw new IllegalStateException(slotId + " must be INSTALLED, is " + s.state());
        }
        Map<String, McimSlot> before = new LinkedHashMap<>(slots);
        String previous = null;
        Optional<McimSlot> current = active();
        if (current.isPresent()) {
            if (current.get().state() == LifecycleState.SELECTED) {
                throw new IllegalStateException("end the session of " + current.get().id() + " first");
            }
            previous = current.get().id();
            slots.put(previous, current.get().with(LifecycleState.BLOCKED));
        }
        slots.put(slotId, new McimSlot(s.id(), s.sho(), s.imsi(), LifecycleState.ACTIVATED, s.credential(), s.seqMs(), previous));
        Instant old = fallbackDeadline;
        fallbackDeadline = deadline;
        try {
            commit(before);
        } catch (RuntimeException e) {
            fallbackDeadline = old;
            throw e;
        }
    }

    /** The new MCIM attached: no fallback any more. */
    public void confirmAttach() {
        fallbackDeadline = null;
        persist();
    }

    /** If the new MCIM did not attach in time: block it and reactivate the previous one. */
    public boolean fallbackIfDue(Instant now) {
        if (fallbackDeadline == null || now.isBefore(fallbackDeadline)) {
            return false;
        }
        McimSlot failed = active().orElseThrow();
        Map<String, McimSlot> before = new LinkedHashMap<>(slots);
        slots.put(failed.id(), new McimSlot(failed.id(), failed.sho(), failed.imsi(), LifecycleState.BLOCKED, failed.credential(),
                failed.seqMs(), null));
        if (failed.previous() != null && slots.containsKey(failed.previous())) {
            slots.put(failed.previous(), slots.get(failed.previous()).with(LifecycleState.ACTIVATED));
        }
        fallbackDeadline = null;
        commit(before);
        return true;
    }

    /**
     * Operator change step 1: the owner asks the TRE for an authorization token for {@code toSho}.
     * Signed by the TRE platform key (TR §5.1.3.7.4.2: "a token signed with a private key of the
     * M2ME/TRE"), single use, valid for {@code validity}.
     */
    public String authorizeOperatorChange(String toSho, Instant now, Duration validity) {
        byte[] n = new byte[16];
        random.nextBytes(n);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(n);
        ObjectNode t = json.createObjectNode().put("treId", treId).put("fromSho", active().map(McimSlot::sho).orElse(""))
                .put("toSho", toSho).put("nonce", nonce).put("expiresAt", now.plus(validity).toString());
        openTokens.add(nonce);
        persist();
        return jws.sign(t.toString().getBytes(StandardCharsets.UTF_8), platform, TOKEN_TYPE);
    }

    /** The token must be this TRE's own, for {@code sho}, unexpired and unused; returns its nonce. */
    private String checkToken(String token, String sho, Instant now) throws InstallException {
        if (token == null) {
            throw new InstallException("unauthorized: operator change without an authorization token");
        }
        JsonNode t;
        try {
            Jws.Verified v = jws.verify(token, List.of(platform.root()), TOKEN_TYPE, now);
            if (!v.signer().getPublicKey().equals(platformKey())) {
                throw new InstallException("unauthorized: token not signed by this TRE");
            }
            t = json.readTree(v.payload());
        } catch (Jws.InvalidJwsException | IOException e) {
            throw new InstallException("unauthorized: " + e.getMessage());
        }
        String nonce = t.path("nonce").asText();
        if (!treId.equals(t.path("treId").asText()) || !sho.equals(t.path("toSho").asText())) {
            throw new InstallException("unauthorized: token is for another TRE or operator");
        }
        if (now.isAfter(Instant.parse(t.path("expiresAt").asText()))) {
            throw new InstallException("unauthorized: token expired");
        }
        if (!openTokens.contains(nonce)) {
            throw new InstallException("unauthorized: token already used or never issued here");
        }
        return nonce;
    }

    /**
     * The USIM application of a slot's MCIM, with the SEQ_MS array (TS 33.102 C.2.2) as last stored
     * for that slot: a challenge accepted once stays a replay after a restart or a switch of MCIM.
     * Call {@link #recordSqn} after each authentication the network accepted.
     */
    public Usim usim(String slotId) {
        McimSlot s = slot(slotId);
        McimCredential c = s.credential();
        if (!"milenage".equalsIgnoreCase(c.algorithm())) {
            throw new UnsupportedOperationException("slot " + slotId + ": algorithm " + c.algorithm() + " has no USIM here (milenage only)");
        }
        return new Usim(Milenage.withOpc(c.k(), c.opc()), new SqnArray(SqnPolicy.DEFAULT, s.seqMs()));
    }

    /** Stores the slot's SEQ_MS array after an authentication (sealed with the slot, like its keys). */
    public void recordSqn(String slotId, SqnArray array) {
        McimSlot s = slot(slotId);
        Map<String, McimSlot> before = new LinkedHashMap<>(slots);
        slots.put(slotId, new McimSlot(s.id(), s.sho(), s.imsi(), s.state(), s.credential(), array.snapshot(), s.previous()));
        commit(before);
    }

    /** TR §5.1.3.7.4.3: remove every MCIM and return to the pristine state. */
    public void revertToPristine() {
        Map<String, McimSlot> before = new LinkedHashMap<>(slots);
        slots.clear();
        fallbackDeadline = null;
        commit(before);
    }

    private McimSlot slot(String id) {
        McimSlot s = slots.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no MCIM slot " + id);
        }
        return s;
    }

    /** Persists, or restores {@code before} and rethrows: a change that is not stored did not happen. */
    private void commit(Map<String, McimSlot> before) {
        try {
            persist();
        } catch (RuntimeException e) {
            slots.clear();
            slots.putAll(before);
            throw e;
        }
    }

    private void persist() {
        ObjectNode s = json.createObjectNode().put("treId", treId)
                .put("pcid", Base64.getEncoder().encodeToString(store.seal("pcid", pcid.toJson())));
        var arr = s.putArray("slots");
        for (McimSlot slot : slots.values()) {
            ObjectNode n = arr.addObject().put("id", slot.id()).put("sho", slot.sho()).put("state", slot.state().name())
                    .put("credential", Base64.getEncoder().encodeToString(store.seal("slot:" + slot.id(), slot.credential().toJson())));
            if (slot.previous() != null) {
                n.put("previous", slot.previous());
            }
            var seq = n.putArray("seqMs");
            for (long v : slot.seqMs()) {
                seq.add(v);
            }
        }
        var tokens = s.putArray("openTokens");
        openTokens.forEach(tokens::add);
        if (fallbackDeadline != null) {
            s.put("fallbackDeadline", fallbackDeadline.toString());
        }
        try {
            store.writeState(s.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "Tre[" + treId + ", " + slots.size() + " MCIM slot(s)]";
    }
}
