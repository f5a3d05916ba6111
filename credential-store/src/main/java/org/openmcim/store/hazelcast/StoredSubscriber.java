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
 * <p>toString shows no blob (they are not secret without the KEK, but there is no reason to print
 * them either).
 */
public record StoredSubscriber(String imsi, SubscriberKind kind, Algorithm algorithm, byte[] kBlob, byte[] opcBlob,
                               byte[] amf, long sqnHe, CredentialState state, Instant issuedAt, Duration lifetime,
                               String issuer, String profile, String msisdn, ServingNode servingNode) {

    public StoredSubscriber {
        Objects.requireNonNull(imsi, "imsi");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(kBlob, "kBlob");
        Objects.requireNonNull(opcBlob, "opcBlob");
        Objects.requireNonNull(amf, "amf");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    /** Encrypts K and OPc of {@code s} under the KEK (fresh nonces). */
    public static StoredSubscriber encrypt(Subscriber s, KeyCipher cipher) {
        return new StoredSubscriber(s.imsi(), s.kind(), s.algorithm(),
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

    public StoredSubscriber withSqnAndState(long sqn, CredentialState s) {
        return new StoredSubscriber(imsi, kind, algorithm, kBlob, opcBlob, amf, sqn, s, issuedAt, lifetime, issuer,
                profile, msisdn, servingNode);
    }

    public StoredSubscriber withServingNode(ServingNode node) {
        return new StoredSubscriber(imsi, kind, algorithm, kBlob, opcBlob, amf, sqnHe, state, issuedAt, lifetime,
                issuer, profile, msisdn, node);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredSubscriber s && imsi.equals(s.imsi) && kind == s.kind && algorithm == s.algorithm
                && java.util.Arrays.equals(kBlob, s.kBlob) && java.util.Arrays.equals(opcBlob, s.opcBlob)
                && java.util.Arrays.equals(amf, s.amf) && sqnHe == s.sqnHe && state == s.state
                && issuedAt.equals(s.issuedAt) && Objects.equals(lifetime, s.lifetime) && Objects.equals(issuer, s.issuer)
                && Objects.equals(profile, s.profile) && Objects.equals(msisdn, s.msisdn)
                && Objects.equals(servingNode, s.servingNode);
    }

    @Override
    public int hashCode() {
        return imsi.hashCode();
    }

    @Override
    public String toString() {
        return "StoredSubscriber[" + imsi + ", " + kind + ", " + algorithm + ", sqnHe=" + sqnHe + ", " + state + "]";
    }
}
