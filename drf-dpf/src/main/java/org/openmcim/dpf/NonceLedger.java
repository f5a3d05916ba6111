package org.openmcim.dpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The bootstrap nonces the DRF issued (TR 33.812 step 8) and the DPF consumed (step 10): the state the
 * two RO functions share. The DRF records every nonce it signs into a bootstrap; the DPF accepts a
 * provisioning request only for a nonce recorded here, and only once — consuming is atomic, so a
 * replayed or concurrently repeated request loses.
 */
public final class NonceLedger {
    /** What the DRF recorded with a nonce: who the bootstrap was for and which SHO it names. */
    public record Issued(String nonce, String pcid, String treId, String shoId, Instant issuedAt, Instant expiresAt) {
    }

    public enum Consume { CONSUMED, UNKNOWN, ALREADY_USED }

    private final ObjectMapper json = new ObjectMapper();
    private final Records issued;
    private final Records used;

    public NonceLedger(Records issued, Records used) {
        this.issued = issued;
        this.used = used;
    }

    /** An in-memory ledger (tests; a DRF and DPF in one process). */
    public static NonceLedger inMemory() {
        return new NonceLedger(new MemoryRecords(), new MemoryRecords());
    }

    public void record(Issued i) {
        ObjectNode o = json.createObjectNode().put("nonce", i.nonce()).put("pcid", i.pcid()).put("treId", i.treId())
                .put("shoId", i.shoId()).put("issuedAt", i.issuedAt().toString()).put("expiresAt", i.expiresAt().toString());
        if (!issued.putIfAbsent(i.nonce(), bytes(o))) {
            // 128 random bits never collide in practice; if they do, the nonce must not be reused.
            throw new IllegalStateException("nonce recorded twice");
        }
    }

    public Optional<Issued> find(String nonce) {
        if (!Records.isKey(nonce)) {
            return Optional.empty();
        }
        return issued.get(nonce).map(b -> {
            JsonNode o = read(b);
            return new Issued(o.path("nonce").asText(), o.path("pcid").asText(), o.hasNonNull("treId") ? o.get("treId").asText() : null,
                    o.path("shoId").asText(), Instant.parse(o.path("issuedAt").asText()), Instant.parse(o.path("expiresAt").asText()));
        });
    }

    public boolean isUsed(String nonce) {
        return Records.isKey(nonce) && used.get(nonce).isPresent();
    }

    /**
     * Marks {@code nonce} used, once: of any number of consumers, in this process or in others sharing
     * the tables (a DRF and DPFs on one state directory, or the members of a store cluster), at most
     * one gets {@link Consume#CONSUMED}. UNKNOWN if the DRF did not issue it (or forgot it, {@link #expire}).
     *
     * <p>The use is the issued record itself, claimed into the used table ({@link Records#claim}), not a
     * record of its own: in a state directory that is one hard link to the file the DRF wrote and
     * forced, so spending a nonce writes and forces no data (one durable write fewer per provisioning
     * session, issue #5) and checks issued-and-unused in one step. The consuming TRE and time, which
     * ledgers before this kept in the used record ({@code {"treId", "at"}}), are in the download
     * session that follows and in the DPF's log; nothing ever read them. Used records of either form
     * mean the same: only their presence is read ({@link #isUsed}, {@link #expire}).
     */
    public Consume consume(String nonce) {
        if (!Records.isKey(nonce)) {
            return Consume.UNKNOWN;
        }
        return switch (used.claim(nonce, issued)) {
            case CLAIMED -> Consume.CONSUMED;
            case TAKEN -> Consume.ALREADY_USED;
            case NO_SOURCE -> Consume.UNKNOWN;
        };
    }

    /**
     * Forgets the nonces whose bootstrap expired more than {@code margin} before {@code now}: the
     * issued record and, if the DPF consumed it, the used one. Without this both tables grow with
     * every bootstrap, for ever.
     *
     * <p>Forgetting a used nonce does not reopen it to replay: the nonce travels only inside its
     * bootstrap, which carries the same expiry under the RO's signature (docs/bootstrap-message.md),
     * and the DPF refuses an expired bootstrap (bootstrap-expired) before it looks at the ledger; a
     * request that got past that check just before the expiry meets a ledger that still holds the
     * nonce, since the margin (clock skew between DRF and DPF hosts, requests in flight) has not
     * passed. The issued record goes first, so a consumer racing with this finds no record
     * (unknown-nonce) rather than an issued nonce without its use.
     *
     * @return how many nonces were forgotten
     */
    public int expire(Instant now, java.time.Duration margin) {
        int n = 0;
        for (String nonce : issued.keys()) {
            Optional<Issued> i;
            try {
                i = find(nonce);
            } catch (UncheckedIOException e) {
                continue; // a corrupt record stays for an operator to look at
            }
            if (i.isPresent() && i.get().expiresAt().plus(margin).isBefore(now)) {
                issued.remove(nonce);
                used.remove(nonce);
                n++;
            }
        }
        // A use whose issue record is gone: left by an earlier sweep that stopped between the two removals.
        for (String nonce : used.keys()) {
            if (issued.get(nonce).isEmpty()) {
                used.remove(nonce);
            }
        }
        return n;
    }

    private byte[] bytes(JsonNode o) {
        try {
            return json.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode read(byte[] b) {
        try {
            return json.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt ledger record", e);
        }
    }
}
