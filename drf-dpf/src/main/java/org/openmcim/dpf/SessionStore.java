package org.openmcim.dpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
        if (objectId == null || !Records.KEY.matcher(objectId).matches()) {
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

    private byte[] bytes(DownloadSession s) {
        ObjectNode o = json.createObjectNode().put("objectId", s.objectId()).put("treId", s.treId())
                .put("treCertificate", s.treCertificate()).put("pcid", s.pcid()).put("nonce", s.nonce()).put("shoId", s.shoId())
                .put("mcimObject", s.mcimObject()).put("state", s.state().name()).put("createdAt", s.createdAt().toString())
                .put("closedAt", s.closedAt() == null ? null : s.closedAt().toString()).put("detail", s.detail())
                .put("pcidRenewal", s.pcidRenewal());
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
                    text(o, "pcidRenewal")); // absent in sessions stored before renewals: none
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("corrupt session record", e);
        }
    }

    private static String text(JsonNode o, String f) {
        return o.hasNonNull(f) ? o.get(f).asText() : null;
    }
}
