package org.openmcim.store;

import java.time.Instant;

import org.openmcim.aka.sqn.HomeSqn;
import org.openmcim.aka.sqn.SqnPolicy;

/**
 * The decision behind {@link CredentialStore#grantVectors}, as a pure function of the current
 * record, so the in-memory store and the Hazelcast entry processor apply exactly the same rules.
 */
public final class SqnGrantLogic {
    private SqnGrantLogic() {
    }

    /** The answer, and the record to store (the same object when nothing changes). */
    public record Outcome(SqnGrant grant, Subscriber updated) {
    }

    public static Outcome apply(Subscriber s, SqnPolicy policy, int ind, int count, Instant now) {
        if (s.kind() == SubscriberKind.PCID && s.state().servesVectors() && s.expiredAt(now)) {
            // NOTE 2 of both seeds: PCID credentials have a lifetime; once over, no more vectors.
            Subscriber expired = s.withState(CredentialState.EXPIRED);
            return new Outcome(new SqnGrant.NotServing(s.imsi(), CredentialState.EXPIRED), expired);
        }
        if (!s.state().servesVectors()) {
            return new Outcome(new SqnGrant.NotServing(s.imsi(), s.state()), s);
        }
        long[] sqns = new long[count];
        long sqn = s.sqnHe();
        try {
            for (int i = 0; i < count; i++) {
                sqn = HomeSqn.next(policy, sqn, ind);
                sqns[i] = sqn;
            }
        } catch (IllegalStateException e) {
            return new Outcome(new SqnGrant.Unavailable(s.imsi(), e.getMessage()), s);
        }
        Subscriber updated = s.withSqnHe(sqn);
        return new Outcome(new SqnGrant.Granted(updated, sqns), updated);
    }
}
