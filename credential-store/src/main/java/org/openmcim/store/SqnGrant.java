package org.openmcim.store;

/**
 * Answer to {@link CredentialStore#grantVectors}: either SQNs reserved atomically together with
 * the subscriber's keys, or the reason none were. Each reason maps to one Diameter answer in the
 * ICF (TS 29.272 §5.2.3.1.3): unknown → 5001 DIAMETER_ERROR_USER_UNKNOWN; not serving (expired,
 * retired, revoked) → 5420 DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION; exhausted or store failure →
 * 4181 DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE.
 */
public sealed interface SqnGrant {

    /** {@code sqns.length} fresh SQNs, oldest first; {@code subscriber.sqnHe()} is the last of them. */
    record Granted(Subscriber subscriber, long[] sqns) implements SqnGrant {
        @Override
        public String toString() {
            return "Granted[" + subscriber.imsi() + ", " + sqns.length + " SQN(s)]";
        }
    }

    record Unknown(String imsi) implements SqnGrant {
    }

    /** The record exists but may not get vectors; {@code state} says why (EXPIRED is set on the fly). */
    record NotServing(String imsi, CredentialState state) implements SqnGrant {
    }

    /** SEQ would overflow, or the store could not persist the new SQN (nothing was granted). */
    record Unavailable(String imsi, String reason) implements SqnGrant {
    }
}
