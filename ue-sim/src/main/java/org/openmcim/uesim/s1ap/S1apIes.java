package org.openmcim.uesim.s1ap;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.uesim.Octets;

/** Value types of the S1AP IEs the simulator uses (TS 36.413 §9.2), immutable. */
public final class S1apIes {
    private S1apIes() {
    }

    /** §9.2.3.4 MME UE S1AP ID: INTEGER (0..2^32-1). */
    public static final long MAX_MME_UE_S1AP_ID = 0xffff_ffffL;
    /** §9.2.3.5 eNB UE S1AP ID: INTEGER (0..2^24-1). */
    public static final long MAX_ENB_UE_S1AP_ID = 0xff_ffffL;
    /** §9.2.1.20 Bit Rate: INTEGER (0..10,000,000,000) bit/s. */
    public static final long MAX_BIT_RATE = 10_000_000_000L;

    /** §9.2.3.16 TAI: PLMN identity and 16-bit TAC. */
    public record Tai(PlmnId plmn, int tac) {
        public Tai {
            Objects.requireNonNull(plmn, "plmn");
            checkRange("TAC", tac, 0, 0xffff);
        }
    }

    /** §9.2.1.38 E-UTRAN CGI: PLMN identity and 28-bit cell identity. */
    public record EutranCgi(PlmnId plmn, int cellId) {
        public EutranCgi {
            Objects.requireNonNull(plmn, "plmn");
            checkRange("cell identity", cellId, 0, (1 << 28) - 1);
        }
    }

    /** §9.2.1.37 Global eNB ID with a macro eNB ID (20 bits) or a home eNB ID (28 bits). */
    public record GlobalEnbId(PlmnId plmn, int enbId, boolean home) {
        public GlobalEnbId {
            Objects.requireNonNull(plmn, "plmn");
            checkRange("eNB ID", enbId, 0, home ? (1 << 28) - 1 : (1 << 20) - 1);
        }
    }

    /** Supported TAs item of S1 SETUP REQUEST (§9.1.8.4): a TAC and its broadcast PLMNs (1..6). */
    public record SupportedTa(int tac, List<PlmnId> broadcastPlmns) {
        public SupportedTa {
            checkRange("TAC", tac, 0, 0xffff);
            broadcastPlmns = List.copyOf(broadcastPlmns);
            checkRange("broadcast PLMNs", broadcastPlmns.size(), 1, 6);
        }
    }

    /** §9.2.3.9 Served GUMMEIs item: PLMNs, MME group IDs (16 bits), MME codes (8 bits). */
    public record ServedGummei(List<PlmnId> plmns, List<Integer> mmeGroupIds, List<Integer> mmeCodes) {
        public ServedGummei {
            plmns = List.copyOf(plmns);
            mmeGroupIds = List.copyOf(mmeGroupIds);
            mmeCodes = List.copyOf(mmeCodes);
            checkRange("served PLMNs", plmns.size(), 1, 32);
            checkRange("served group IDs", mmeGroupIds.size(), 1, 65535);
            checkRange("served MMECs", mmeCodes.size(), 1, 256);
        }
    }

    /** §9.2.3.6 S-TMSI: MME code (8 bits) and M-TMSI (32 bits). */
    public record STmsi(int mmeCode, long mTmsi) {
        public STmsi {
            checkRange("MMEC", mmeCode, 0, 255);
            if (mTmsi < 0 || mTmsi > 0xffff_ffffL) {
                throw new IllegalArgumentException("M-TMSI is 32 bits, got " + mTmsi);
            }
        }
    }

    /** §9.2.1.3a RRC Establishment Cause (root values; extensions keep their index). */
    public enum RrcEstablishmentCause {
        EMERGENCY, HIGH_PRIORITY_ACCESS, MT_ACCESS, MO_SIGNALLING, MO_DATA,
        DELAY_TOLERANT_ACCESS, MO_VOICE_CALL, MO_EXCEPTION_DATA;

        static final int ROOT = 5;
    }

    /** §9.2.1.3 Cause: the group (CHOICE alternative) and the value index within its ENUMERATED. */
    public record Cause(Group group, int value) {
        /** The five root alternatives with the number of root values of each ENUMERATED. */
        public enum Group {
            RADIO_NETWORK(36), TRANSPORT(2), NAS(4), PROTOCOL(7), MISC(6);

            final int rootValues;

            Group(int rootValues) {
                this.rootValues = rootValues;
            }
        }

        public Cause {
            Objects.requireNonNull(group, "group");
            checkRange("cause value", value, 0, 127);
        }

        public static Cause radioNetwork(int v) {
            return new Cause(Group.RADIO_NETWORK, v);
        }

        public static Cause nas(int v) {
            return new Cause(Group.NAS, v);
        }

        public static Cause protocol(int v) {
            return new Cause(Group.PROTOCOL, v);
        }

        public static Cause misc(int v) {
            return new Cause(Group.MISC, v);
        }

        /** radioNetwork unspecified (0). */
        public static final Cause RADIO_UNSPECIFIED = radioNetwork(0);
        /** radioNetwork user-inactivity (20). */
        public static final Cause USER_INACTIVITY = radioNetwork(20);
        /** radioNetwork radio-connection-with-ue-lost (21). */
        public static final Cause RADIO_CONNECTION_WITH_UE_LOST = radioNetwork(21);
        /** nas normal-release (0). */
        public static final Cause NAS_NORMAL_RELEASE = nas(0);
        /** nas detach (2). */
        public static final Cause NAS_DETACH = nas(2);
        /** misc unknown-PLMN (5). */
        public static final Cause MISC_UNKNOWN_PLMN = misc(5);
        /** misc unspecified (4). */
        public static final Cause MISC_UNSPECIFIED = misc(4);
    }

    /** §9.2.1.15 E-RAB Level QoS Parameters: QCI and ARP (GBR information not modelled). */
    public record ErabQos(int qci, int priorityLevel, boolean mayTriggerPreemption, boolean preemptable) {
        public ErabQos {
            checkRange("QCI", qci, 0, 255);
            checkRange("priority level", priorityLevel, 0, 15);
        }
    }

    /**
     * §9.2.2.1 Transport Layer Address: BIT STRING (SIZE(1..160, ...)), in practice an IPv4 (32
     * bits), IPv6 (128) or both (160) address; {@code bits} keeps the exact length.
     */
    public record TransportLayerAddress(Octets address, int bits) {
        public TransportLayerAddress {
            checkRange("transport layer address bits", bits, 1, 160);
            if (address.length() != (bits + 7) / 8) {
                throw new IllegalArgumentException(bits + " bits need " + (bits + 7) / 8 + " octets, got " + address.length());
            }
        }

        public static TransportLayerAddress ipv4(byte[] address) {
            if (address.length != 4) {
                throw new IllegalArgumentException("IPv4 address is 4 octets");
            }
            return new TransportLayerAddress(Octets.of(address), 32);
        }
    }

    /** E-RAB To Be Setup Item (Ctxt SU Req): what the MME asks the eNB to set up. */
    public record ErabToBeSetup(int erabId, ErabQos qos, TransportLayerAddress transportLayerAddress,
            Octets gtpTeid, java.util.Optional<Octets> nasPdu) {
        public ErabToBeSetup {
            checkRange("E-RAB ID", erabId, 0, 15);
            Objects.requireNonNull(qos, "qos");
            Objects.requireNonNull(transportLayerAddress, "transportLayerAddress");
            if (gtpTeid.length() != 4) {
                throw new IllegalArgumentException("GTP-TEID is 4 octets");
            }
            Objects.requireNonNull(nasPdu, "nasPdu");
        }
    }

    /** E-RAB Setup Item (Ctxt SU Res): the eNB's end of the bearer. */
    public record ErabSetup(int erabId, TransportLayerAddress transportLayerAddress, Octets gtpTeid) {
        public ErabSetup {
            checkRange("E-RAB ID", erabId, 0, 15);
            Objects.requireNonNull(transportLayerAddress, "transportLayerAddress");
            if (gtpTeid.length() != 4) {
                throw new IllegalArgumentException("GTP-TEID is 4 octets");
            }
        }
    }

    /**
     * §9.2.1.40 UE Security Capabilities: two 16-bit masks; the first bit (MSB) is 128-EEA1 /
     * 128-EIA1, the second 128-EEA2 / 128-EIA2, the third 128-EEA3 / 128-EIA3 (EEA0/EIA0 are
     * implied, not signalled).
     */
    public record UeSecurityCapabilities(int encryptionAlgorithms, int integrityAlgorithms) {
        public UeSecurityCapabilities {
            checkRange("encryption algorithms", encryptionAlgorithms, 0, 0xffff);
            checkRange("integrity algorithms", integrityAlgorithms, 0, 0xffff);
        }
    }

    /** One UE-associated logical S1 connection in a (partial) Reset / Reset Acknowledge. */
    public record UeAssociatedConnection(OptionalLong mmeUeS1apId, OptionalLong enbUeS1apId) {
        public UeAssociatedConnection {
            Objects.requireNonNull(mmeUeS1apId);
            Objects.requireNonNull(enbUeS1apId);
        }
    }

    static void checkRange(String what, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(what + " must be " + lo + ".." + hi + ", got " + v);
        }
    }
}
