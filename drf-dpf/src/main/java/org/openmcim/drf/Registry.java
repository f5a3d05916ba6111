package org.openmcim.drf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.openmcim.dpf.MemoryRecords;
import org.openmcim.dpf.Records;
import org.openmcim.wire.bootstrap.BootstrapMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The DRF's registry PCID → SHO, DPF (TR 33.812 step 7), over {@link Records} (in memory or a directory). */
public final class Registry {
    private final ObjectMapper json = new ObjectMapper();
    private final Records records;

    public Registry(Records records) {
        this.records = records;
    }

    public static Registry inMemory() {
        return new Registry(new MemoryRecords());
    }

    public Optional<Registration> find(String pcid) {
        if (pcid == null || !Registration.PCID.matcher(pcid).matches()) {
            return Optional.empty();
        }
        return records.get(pcid).map(this::parse);
    }

    /** Writes or overwrites the entry for its PCID; returns the previous one. */
    public synchronized Optional<Registration> put(Registration r) {
        Optional<Registration> old = find(r.pcid());
        ObjectNode o = json.createObjectNode().put("pcid", r.pcid()).put("treId", r.treId()).put("shoId", r.shoId())
                .put("shoName", r.shoName()).put("shoUrl", r.shoUrl().toString()).put("dpfUrl", r.dpfUrl().toString())
                .put("operation", r.operation().wire()).put("registeredAt", r.registeredAt().toString());
        var apps = o.putArray("applications");
        r.applications().forEach(apps::add);
        try {
            records.put(r.pcid(), json.writeValueAsBytes(o));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return old;
    }

    /**
     * Moves the registration of {@code from} to {@code to} (a renewed PCID, TR §5.1.3.7.4.3 NOTE 2):
     * the same TRE, SHO, DPF and applications under the new PCID, and none under the old one, which
     * the ICF no longer serves. A registration already under {@code to} (its SHO registered it) is
     * kept. Returns false when {@code from} has none.
     */
    public synchronized boolean move(String from, String to, Instant at) {
        Optional<Registration> old = find(from);
        if (old.isEmpty()) {
            return false;
        }
        if (find(to).isEmpty()) {
            Registration r = old.get();
            put(new Registration(to, r.treId(), r.shoId(), r.shoName(), r.shoUrl(), r.dpfUrl(), r.operation(), r.applications(), at));
        }
        records.remove(from);
        return true;
    }

    private Registration parse(byte[] b) {
        try {
            JsonNode o = json.readTree(b);
            List<String> apps = new ArrayList<>();
            o.path("applications").forEach(a -> apps.add(a.asText()));
            return new Registration(o.path("pcid").asText(), o.hasNonNull("treId") ? o.get("treId").asText() : null,
                    o.path("shoId").asText(), o.path("shoName").asText(), URI.create(o.path("shoUrl").asText()),
                    URI.create(o.path("dpfUrl").asText()), BootstrapMessage.Operation.fromWire(o.path("operation").asText()), apps,
                    Instant.parse(o.path("registeredAt").asText()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("corrupt registry record", e);
        }
    }
}
