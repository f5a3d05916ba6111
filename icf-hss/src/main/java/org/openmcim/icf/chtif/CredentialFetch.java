package org.openmcim.icf.chtif;

/**
 * Where the ICF gets the credential of a PCID its store does not hold: TR 33.812 §5.1.3.6.2 step 3
 * NOTE 1 ("If the ICF is not already in possession of the used PCID-IMSI and related temporary-access
 * credential, it can obtain it from the CCIF"; the IoT seed's Call Home Triple Issuing Function).
 * {@link org.openmcim.icf.s6a.VectorService} asks when the store answers "unknown" for an IMSI this source covers, then asks
 * the store again.
 *
 * <p>{@link #fetch} blocks (worker threads only, never a Netty event loop) for at most the configured
 * timeout and never throws; concurrent calls for one IMSI share one fetch.
 *
 * @see ChtifClient
 */
public interface CredentialFetch {
    /** No CHTIF configured: an unknown PCID stays unknown (5001). */
    CredentialFetch NONE = new CredentialFetch() {
        @Override
        public boolean covers(String imsi) {
            return false;
        }

        @Override
        public Outcome fetch(String imsi) {
            return new Outcome.Unknown("no CHTIF covers " + imsi);
        }
    };

    /** Whether unknown IMSIs like this one are fetched (a configured CHTIF's range). */
    boolean covers(String imsi);

    /** Fetches and stores the credential of {@code imsi}. */
    Outcome fetch(String imsi);

    /** What a fetch did; each maps to one Diameter answer (TS 29.272 §5.2.3.1.3). */
    sealed interface Outcome {
        /** The credential is in the store now (fetched here, or stored meanwhile by someone else): ask the store again. */
        record Stored() implements Outcome {
        }

        /** The CHTIF does not know the IMSI either: 5001 DIAMETER_ERROR_USER_UNKNOWN. */
        record Unknown(String detail) implements Outcome {
        }

        /** Down, slow, refusing, or answering nonsense; nothing stored: 4181 DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE. */
        record Unavailable(String reason) implements Outcome {
        }
    }
}
