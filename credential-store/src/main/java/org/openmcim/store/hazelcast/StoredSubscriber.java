package org.openmcim.store.hazelcast;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore.ServingNode;
import org.openmcim.store.KeyCipher;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

/**
 * A subscriber as the cluster and the database hold it: K and OPc only as {@link KeyCipher}
 * blobs. This is the map value, so clear keys never sit in a partition, a backup replica, a
 * migration packet or a database row; only the member that answers a caller decrypts them
 * (issue #4: "K and OPc encrypted at rest"; DESIGN.md security model).
 *
 * <p><b>SQN lease.</b> {@code sqnHe} is SQN_HE, the last SQN handed out (TS 33.102 C.1.2); it
 * lives in the cluster only (the partition owner and its synchronous backups). The database row
 * holds {@code sqnLease} instead, a ceiling committed before any SQN above the previous ceiling was
 * handed out, so {@code sqnHe ≤ sqnLease} always and every SQN ever handed out is at or below the
 * row's value, as numbers (SEQ is in the high bits, so that orders by SEQ; see {@link SqnLease}). A value built from a row has {@code sqnHe == sqnLease}:
 * after a full cluster restart grants resume above the committed ceiling.
 *
 * <p>{@code rowUnchanged} is set only by an entry processor whose result differs from the value it
 * started from in {@code sqnHe} alone: the row is then already current and
 * {@link SubscriberMapStore#store} skips the database. Every other value has it false (written),
 * so a value that lost the mark costs a write, never a missed one.
 *
 * <p>toString shows no blob (they are not secret without the KEK, but there is no reason to print
 * them either).
 */
public record StoredSubscriber(String imsi, SubscriberKind kind, Algorithm algorithm, byte[] kBlob, byte[] opcBlob,
                               byte[] amf, long sqnHe, long sqnLease, CredentialState state, Instant issuedAt,
                               Duration lifetime, String issuer, String profile, String msisdn, ServingNode servingNode,
                               boolean rowUnchanged) {

    public StoredSubscriber {
        Objects.requireNonNull(imsi, "imsi");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(kBlob, "kBlob");
        Objects.requireNonNull(opcBlob, "opcBlob");
        Objects.requireNonNull(amf, "amf");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(issuedAt, "issuedAt");
        if (sqnHe > sqnLease) {
            // Compared as numbers: SEQ is in the high bits (C.1.1 SQN = SEQ || IND), so this orders
            // by SEQ whatever the IND length. SQN_HE above its ceiling would mean SQNs handed out
            // that a restart could not know of.
            throw new IllegalArgumentException(imsi + ": SQN_HE " + sqnHe + " above the lease ceiling " + sqnLease);
        }
    }

    /** A value as its database row says: no lease beyond the row's SQN, so the first grant takes one. */
    public static StoredSubscriber fromRow(String imsi, SubscriberKind kind, Algorithm algorithm, byte[] kBlob,
                                           byte[] opcBlob, byte[] amf, long sqn, CredentialState state, Instant issuedAt,
                                           Duration lifetime, String issuer, String profile, String msisdn,
                                           ServingNode servingNode) {
        return new StoredSubscriber(imsi, kind, algorithm, kBlob, opcBlob, amf, sqn, sqn, state, issuedAt, lifetime,
                issuer, profile, msisdn, servingNode, false);
    }

    /** Encrypts K and OPc of {@code s} under the KEK (fresh nonces). */
    public static StoredSubscriber encrypt(Subscriber s, KeyCipher cipher) {
        return fromRow(s.imsi(), s.kind(), s.algorithm(),
                cipher.encrypt(s.imsi(), KeyCipher.Field.K, s.k()),
                cipher.encrypt(s.imsi(), KeyCipher.Field.OPC, s.opc()),
                s.amf().clone(), s.sqnHe(), s.state(), s.issuedAt(), s.lifetime(), s.issuer(), s.profile(), s.msisdn(),
                null);
    }

    /** The subscriber with K and OPc decrypted. */
    public Subscriber decrypt(KeyCipher cipher) {
        return new Subscriber(imsi, kind, algorithm, cipher.decrypt(imsi, KeyCipher.Field.K, kBlob),
                cipher.decrypt(imsi, KeyCipher.Field.OPC, opcBlob), amf.clone(), sqnHe, state, issuedAt, lifetime,
                issuer, profile, msisdn);
    }

    /**
     * The same record with all-zero K and OPc of the right lengths: what the entry processors hand
     * to {@link org.openmcim.store.SqnGrantLogic}, whose decisions read SQN, state and lifetime
     * only. The owner member thus decides without the KEK, and the KEK never travels.
     */
    public Subscriber decisionView() {
        return new Subscriber(imsi, kind, algorithm, new byte[KeyCipher.plaintextLength(kBlob)],
                new byte[KeyCipher.plaintextLength(opcBlob)], amf, sqnHe, state, issuedAt, lifetime, issuer, profile,
                msisdn);
    }

    /**
     * This value with SQN_HE {@code sqn} under ceiling {@code lease}, in state {@code s}; marked
     * {@link #rowUnchanged} when its row equals this one's (only SQN_HE moved, inside the lease).
     */
    public StoredSubscriber withSqn(long sqn, long lease, CredentialState s) {
        StoredSubscriber next = new StoredSubscriber(imsi, kind, algorithm, kBlob, opcBlob, amf, sqn, lease, s, issuedAt,
                lifetime, issuer, profile, msisdn, servingNode, false);
        return next.sameRowAs(this) ? next.markedRowUnchanged() : next;
    }

    public StoredSubscriber withState(CredentialState s) {
        return new StoredSubscriber(imsi, kind, algorithm, kBlob, opcBlob, amf, sqnHe, sqnLease, s, issuedAt, lifetime,
                issuer, profile, msisdn, servingNode, false);
    }

    public StoredSubscriber withServingNode(ServingNode node) {
        return new StoredSubscriber(imsi, kind, algorithm, kBlob, opcBlob, amf, sqnHe, sqnLease, state, issuedAt, lifetime,
                issuer, profile, msisdn, node, false);
    }

    /**
     * This value marked {@link #rowUnchanged}, for a bulk insert to put once its row is committed:
     * the row is then exactly this value, so the map store has nothing to write.
     */
    StoredSubscriber asCommittedRow() {
        return markedRowUnchanged();
    }

    private StoredSubscriber markedRowUnchanged() {
        return new StoredSubscriber(imsi, kind, algorithm, kBlob, opcBlob, amf, sqnHe, sqnLease, state, issuedAt, lifetime,
                issuer, profile, msisdn, servingNode, true);
    }

    /** Whether the two values have the same database row: every field but {@code sqnHe} (and the mark). */
    public boolean sameRowAs(StoredSubscriber s) {
        return imsi.equals(s.imsi) && kind == s.kind && algorithm == s.algorithm
                && java.util.Arrays.equals(kBlob, s.kBlob) && java.util.Arrays.equals(opcBlob, s.opcBlob)
                && java.util.Arrays.equals(amf, s.amf) && sqnLease == s.sqnLease && state == s.state
                && issuedAt.equals(s.issuedAt) && Objects.equals(lifetime, s.lifetime) && Objects.equals(issuer, s.issuer)
                && Objects.equals(profile, s.profile) && Objects.equals(msisdn, s.msisdn)
                && Objects.equals(servingNode, s.servingNode);
    }

    /** Same row and same SQN_HE; the {@link #rowUnchanged} mark is a hint to the map store, not data. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StoredSubscriber s && sqnHe == s.sqnHe && sameRowAs(s);
    }

    @Override
    public int hashCode() {
        return imsi.hashCode();
    }

    @Override
    public String toString() {
        return "StoredSubscriber[" + imsi + ", " + kind + ", " + algorithm + ", sqnHe=" + sqnHe + ", sqnLease=" + sqnLease
                + ", " + state + "]";
    }
}
