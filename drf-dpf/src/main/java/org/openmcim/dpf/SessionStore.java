package org.openmcim.dpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The DPF's download sessions, durable when backed by {@link DirectoryRecords}: a DPF restart between
 * steps 17 and 19 lets the device fetch the same MCIMobj again. Creation is insert-if-absent by
 * object id, so one MCIMobj can never belong to two sessions (or two TREs).
 */
public final class SessionStore {
    private final ObjectMapper json = new ObjectMapper();
    private final Records records;

    public SessionStore(Records records) {
        this.records = records;
    }

    public static SessionStore inMemory() {
        return new SessionStore(new MemoryRecords());
    }

    /** Stores a new session; false if a session for that object id exists (never overwritten). */
    public boolean create(DownloadSession s) {
        return records.putIfAbsent(s.objectId(), bytes(s));
    }

    /** Replaces a session (state changes only; the DPF serialises updates per object). */
    public synchronized void update(DownloadSession s) {
        records.put(s.objectId(), bytes(s));
    }

    public Optional<DownloadSession> find(String objectId) {
        if (!Records.isKey(objectId)) {
            return Optional.empty();
        }
        return records.get(objectId).map(this::parse);
    }

    /** Sessions of one TRE (a handful at most: one per provisioning attempt). */
    public List<DownloadSession> forTre(String treId) {
        List<DownloadSession> out = new ArrayList<>();
        for (String k : records.keys()) {
            find(k).filter(s -> s.treId().equals(treId)).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Sessions still waiting for the device's report (DELIVERED) that were created before
     * {@code createdBefore}: what the DPF's sweep gives up ({@link Dpf#expireUnreported}). A full scan,
     * like {@link #expireClosed}; it runs every few minutes off the event loops.
     */
    public List<DownloadSession> unreported(Instant createdBefore) {
        return readable().values().stream()
                .filter(s -> s.state() == DownloadSession.State.DELIVERED && s.createdAt().isBefore(createdBefore)).toList();
    }

    /**
     * Forgets the closed sessions (the device reported, the SHO was told) once both their close and
     * their bootstrap's expiry lie more than {@code margin} before {@code now}. Until then a late
     * repeat of the report or the download still finds its session and gets the same answer; after,
     * the object is unknown (404), and the bootstrap that led to it is refused as expired anyway.
     * Sessions still open (DELIVERED, awaiting the device's report) are kept: the device may come
     * back for its object after a DPF restart (step 17).
     *
     * @param bootstrapExpiry the expiry of a session's bootstrap by nonce; empty once the ledger
     *                        forgot the nonce, which it does only after that expiry and the margin
     * @return how many sessions were forgotten
     */
    public int expireClosed(Instant now, java.time.Duration margin, java.util.function.Function<String, Optional<Instant>> bootstrapExpiry) {
        int n = 0;
        for (Map.Entry<String, DownloadSession> e : readable().entrySet()) {
            DownloadSession s = e.getValue();
            if (s.closedAt() == null || !s.closedAt().plus(margin).isBefore(now)) {
                continue;
            }
            Optional<Instant> expiry = s.nonce() == null ? Optional.empty() : bootstrapExpiry.apply(s.nonce());
            if (expiry.isEmpty() || expiry.get().plus(margin).isBefore(now)) {
                records.remove(e.getKey());
                n++;
            }
        }
        return n;
    }

    /** Every session by key, for the sweeps; a corrupt record is left out (and stays for an operator to look at). */
    private Map<String, DownloadSession> readable() {
        Map<String, DownloadSession> out = new LinkedHashMap<>();
        for (String k : records.keys()) {
            try {
                find(k).ifPresent(s -> out.put(k, s));
            } catch (RuntimeException e) {
                // corrupt: skipped
            }
        }
        return out;
    }

    private byte[] bytes(DownloadSession s) {
        ObjectNode o = json.createObjectNode().put("objectId", s.objectId()).put("treId", s.treId())
                .put("treCertificate", s.treCertificate()).put("pcid", s.pcid()).put("nonce", s.nonce()).put("shoId", s.shoId())
                .put("mcimObject", s.mcimObject()).put("state", s.state().name()).put("createdAt", s.createdAt().toString())
                .put("closedAt", s.closedAt() == null ? null : s.closedAt().toString()).put("detail", s.detail())
                .put("pcidRenewal", s.pcidRenewal()).put("renewedPcid", s.renewedPcid());
        try {
            return json.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private DownloadSession parse(byte[] b) {
        try {
            JsonNode o = json.readTree(b);
            return new DownloadSession(o.path("objectId").asText(), o.path("treId").asText(), o.path("treCertificate").asText(),
                    text(o, "pcid"), text(o, "nonce"), text(o, "shoId"), o.path("mcimObject").asText(),
                    DownloadSession.State.valueOf(o.path("state").asText()), Instant.parse(o.path("createdAt").asText()),
                    o.hasNonNull("closedAt") ? Instant.parse(o.get("closedAt").asText()) : null, text(o, "detail"),
                    text(o, "pcidRenewal"), text(o, "renewedPcid")); // absent in sessions stored before renewals: none
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("corrupt session record", e);
        }
    }

    private static String text(JsonNode o, String f) {
        return o.hasNonNull(f) ? o.get(f).asText() : null;
    }
}
