package org.openmcim.store.hazelcast;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;

import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore.ServingNode;
import org.openmcim.store.SubscriberKind;

/**
 * Compact wire and in-memory form of {@link StoredSubscriber} (the map's BINARY format stores
 * exactly these bytes, so this decides most of the memory per PCID: the goal is ≤ 500 B per copy).
 * Enums go as their names' ordinals in a fixed table below, never {@code ordinal()}, so reordering
 * an enum cannot silently change stored data.
 */
public final class StoredSubscriberSerializer implements StreamSerializer<StoredSubscriber> {
    /** Hazelcast custom serializer type id (must be > 0 and unique in the cluster config). */
    public static final int TYPE_ID = 4_001;
    /**
     * 2 added the SQN lease ceiling and the row-unchanged mark. Format 1 is not read: this form
     * lives only in the cluster's memory and on its wires, and members of different versions do
     * not form one cluster.
     */
    private static final byte FORMAT = 2;

    private static final SubscriberKind[] KINDS = {SubscriberKind.PCID, SubscriberKind.HOME};
    private static final Algorithm[] ALGORITHMS = {Algorithm.MILENAGE, Algorithm.TUAK, Algorithm.XOR};
    private static final CredentialState[] STATES = {CredentialState.ISSUED, CredentialState.ATTACHED,
        CredentialState.PROVISIONING, CredentialState.RETIRED, CredentialState.EXPIRED, CredentialState.REVOKED,
        CredentialState.ACTIVE, CredentialState.REPLACED};

    @Override
    public int getTypeId() {
        return TYPE_ID;
    }

    @Override
    public void write(ObjectDataOutput out, StoredSubscriber s) throws IOException {
        out.writeByte(FORMAT);
        out.writeString(s.imsi());
        out.writeByte(code(KINDS, s.kind()));
        out.writeByte(code(ALGORITHMS, s.algorithm()));
        out.writeByte(code(STATES, s.state()));
        out.writeByteArray(s.kBlob());
        out.writeByteArray(s.opcBlob());
        out.write(s.amf(), 0, 2);
        out.writeLong(s.sqnHe());
        out.writeLong(s.sqnLease());
        out.writeBoolean(s.rowUnchanged());
        out.writeLong(s.issuedAt().getEpochSecond());
        out.writeInt(s.issuedAt().getNano());
        out.writeBoolean(s.lifetime() != null);
        if (s.lifetime() != null) {
            out.writeLong(s.lifetime().getSeconds());
            out.writeInt(s.lifetime().getNano());
        }
        out.writeString(s.issuer());
        out.writeString(s.profile());
        out.writeString(s.msisdn());
        ServingNode n = s.servingNode();
        out.writeBoolean(n != null);
        if (n != null) {
            out.writeString(n.host());
            out.writeString(n.realm());
            out.writeLong(n.registeredAt().getEpochSecond());
            out.writeInt(n.registeredAt().getNano());
        }
    }

    @Override
    public StoredSubscriber read(ObjectDataInput in) throws IOException {
        byte format = in.readByte();
        if (format != FORMAT) {
            throw new IOException("unknown StoredSubscriber format " + format);
        }
        String imsi = in.readString();
        SubscriberKind kind = KINDS[in.readByte()];
        Algorithm algorithm = ALGORITHMS[in.readByte()];
        CredentialState state = STATES[in.readByte()];
        byte[] k = in.readByteArray();
        byte[] opc = in.readByteArray();
        byte[] amf = new byte[2];
        in.readFully(amf);
        long sqn = in.readLong();
        long lease = in.readLong();
        boolean rowUnchanged = in.readBoolean();
        Instant issuedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
        Duration lifetime = in.readBoolean() ? Duration.ofSeconds(in.readLong(), in.readInt()) : null;
        String issuer = in.readString();
        String profile = in.readString();
        String msisdn = in.readString();
        ServingNode node = null;
        if (in.readBoolean()) {
            node = new ServingNode(in.readString(), in.readString(), Instant.ofEpochSecond(in.readLong(), in.readInt()));
        }
        return new StoredSubscriber(imsi, kind, algorithm, k, opc, amf, sqn, lease, state, issuedAt, lifetime, issuer,
                profile, msisdn, node, rowUnchanged);
    }

    private static <E> int code(E[] table, E value) {
        for (int i = 0; i < table.length; i++) {
            if (table[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException("no wire code for " + value);
    }
}
