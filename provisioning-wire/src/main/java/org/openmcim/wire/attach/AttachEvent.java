package org.openmcim.wire.attach;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * What the RO's ICF tells its DRF (TR 33.812 §5.1.3.6.2 step 6: "the RO forwards the PCID and the IP
 * address of the M2ME from its ICF to its DRF function"): a PCID has an IP-CAN session at an address
 * (learnt from Gx CCR-Initial, TS 29.212 §4.5.1), or that session ended (CCR-Termination, §4.5.3).
 * The rules are checked when an event is built, so the ICF never sends what the DRF would refuse and
 * the DRF never acts on what the ICF could not have meant. JSON form: {@link AttachEventCodec}.
 */
public sealed interface AttachEvent permits AttachEvent.Attached, AttachEvent.SessionEnded {
    /** At most what TS 23.003 §9.1 allows an APN (network identifier and operator identifier together). */
    int MAX_APN = 100;

    /** The PCID (an IMSI-format provisional identity). */
    String pcid();

    /** When the ICF learnt it (the CCR's arrival). */
    Instant at();

    /** The wire name of the event type. */
    String event();

    /**
     * "PCID attached at IP".
     *
     * @param ip  the M2ME's address from Framed-IP-Address / Framed-IPv6-Prefix: a unicast address
     * @param apn Called-Station-Id, the APN of the PDN connection (TS 23.003 §9.1 labels)
     */
    record Attached(String pcid, InetAddress ip, String apn, Instant at) implements AttachEvent {
        public static final String EVENT = "attached";

        public Attached {
            checkPcid(pcid);
            Objects.requireNonNull(ip, "ip");
            Objects.requireNonNull(at, "at");
            checkUnicast(ip);
            checkApn(apn);
        }

        @Override
        public String event() {
            return EVENT;
        }
    }

    /** The PCID's IP-CAN session ended: the address is no longer its. */
    record SessionEnded(String pcid, Instant at) implements AttachEvent {
        public static final String EVENT = "session-ended";

        public SessionEnded {
            checkPcid(pcid);
            Objects.requireNonNull(at, "at");
        }

        @Override
        public String event() {
            return EVENT;
        }
    }

    /** The PCID rule of the bootstrap message ({@code BootstrapCodec}): MCC, MNC and MSIN, 14 or 15 digits (TS 23.003 §2.2). */
    private static void checkPcid(String pcid) {
        if (pcid == null || !pcid.matches("[0-9]{14,15}")) {
            throw new IllegalArgumentException("pcid must be an IMSI of 14 or 15 digits");
        }
    }

    /** The DRF pushes the bootstrap to this address (step 8): never a wildcard, multicast or broadcast address. */
    private static void checkUnicast(InetAddress ip) {
        boolean broadcast = ip instanceof Inet4Address && ip.getAddress()[0] == (byte) 0xFF && ip.getAddress()[1] == (byte) 0xFF
                && ip.getAddress()[2] == (byte) 0xFF && ip.getAddress()[3] == (byte) 0xFF;
        if (ip.isAnyLocalAddress() || ip.isMulticastAddress() || broadcast) {
            throw new IllegalArgumentException("ip must be a unicast address, got " + ip.getHostAddress());
        }
    }

    /** TS 23.003 §9.1: labels of letters, digits and hyphens, separated by dots, at most 100 octets in all. */
    private static void checkApn(String apn) {
        if (apn == null || apn.length() > MAX_APN || !apn.matches("[A-Za-z0-9-]{1,63}(\\.[A-Za-z0-9-]{1,63})*")) {
            throw new IllegalArgumentException("apn must be 1-" + MAX_APN + " characters of dot-separated labels of letters, digits and '-'"
                    + " (TS 23.003 §9.1)");
        }
    }
}
