package org.openmcim.uesim.nas;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.uesim.Octets;

/** Value types of the NAS IEs the simulator uses (TS 24.301 §9.9, TS 24.008 §10.5), immutable. */
public final class NasIes {
    private NasIes() {
    }

    /** §9.9.3.21 NAS key set identifier: TSC (mapped context) and the 3-bit value; 7 = no key. */
    public record NasKsi(boolean mapped, int value) {
        public static final NasKsi NO_KEY = new NasKsi(false, 7);

        public NasKsi {
            check("KSI", value, 0, 7);
        }

        int toHalfOctet() {
            return (mapped ? 8 : 0) | value;
        }

        static NasKsi fromHalfOctet(int h) {
            return new NasKsi((h & 8) != 0, h & 7);
        }
    }

    /** §9.9.3.12 EPS mobile identity / TS 24.008 §10.5.1.4 mobile identity. */
    public sealed interface MobileIdentity permits Imsi, Guti, Imeisv {
    }

    /** IMSI: 6..15 digits (MCC, MNC, MSIN). */
    public record Imsi(String digits) implements MobileIdentity {
        public Imsi {
            if (!digits.matches("[0-9]{6,15}")) {
                throw new IllegalArgumentException("IMSI must be 6..15 digits, got '" + digits + "'");
            }
        }
    }

    /** IMEISV: 16 digits. */
    public record Imeisv(String digits) implements MobileIdentity {
        public Imeisv {
            if (!digits.matches("[0-9]{16}")) {
                throw new IllegalArgumentException("IMEISV must be 16 digits");
            }
        }
    }

    /** GUTI (TS 23.003 §2.8): PLMN, MME group ID (16 bits), MME code (8 bits), M-TMSI (32 bits). */
    public record Guti(PlmnId plmn, int mmeGroupId, int mmeCode, long mTmsi) implements MobileIdentity {
        public Guti {
            Objects.requireNonNull(plmn);
            check("MME group ID", mmeGroupId, 0, 0xffff);
            check("MME code", mmeCode, 0, 0xff);
            if (mTmsi < 0 || mTmsi > 0xffff_ffffL) {
                throw new IllegalArgumentException("M-TMSI is 32 bits");
            }
        }
    }

    /**
     * §9.9.3.34 UE network capability: octet 1 EEA0..EEA7 (bit 8 = EEA0, bit 7 = 128-EEA1, bit 6
     * = 128-EEA2, ...), octet 2 EIA0..EIA7 likewise; further octets (UMTS algorithms, features)
     * kept as given.
     */
    public record UeNetworkCapability(int eea, int eia, Octets rest) {
        public UeNetworkCapability {
            check("EEA mask", eea, 0, 255);
            check("EIA mask", eia, 0, 255);
            if (rest.length() > 11) {
                throw new IllegalArgumentException("UE network capability is at most 13 octets");
            }
        }

        /** Algorithm numbers (0 = EEA0, 1 = 128-EEA1, 2 = 128-EEA2, ...) to the octet-1/2 masks. */
        public static UeNetworkCapability of(List<Integer> eeas, List<Integer> eias) {
            int e = 0;
            int i = 0;
            for (int a : eeas) {
                e |= 0x80 >>> a;
            }
            for (int a : eias) {
                i |= 0x80 >>> a;
            }
            return new UeNetworkCapability(e, i, Octets.EMPTY);
        }

        public boolean supportsEea(int alg) {
            return (eea & (0x80 >>> alg)) != 0;
        }

        public boolean supportsEia(int alg) {
            return (eia & (0x80 >>> alg)) != 0;
        }
    }

    /** TS 23.003 §2.4-like TAI as used in NAS: PLMN and TAC. */
    public record Tai(PlmnId plmn, int tac) {
        public Tai {
            Objects.requireNonNull(plmn);
            check("TAC", tac, 0, 0xffff);
        }
    }

    /** §9.9.4.9 PDN address: PDN type (1 IPv4, 2 IPv6, 3 IPv4v6) and the address octets. */
    public record PdnAddress(int pdnType, Octets address) {
        public PdnAddress {
            check("PDN type", pdnType, 0, 7);
        }
    }

    /**
     * Access point name (TS 23.003 §9.1, TS 24.008 §10.5.6.1): dot-separated labels, each coded as
     * a length octet and the label.
     */
    public record Apn(String name) {
        public Apn {
            if (name.isEmpty() || name.length() > 100) {
                throw new IllegalArgumentException("APN must be 1..100 characters");
            }
        }

        byte[] encode() {
            List<Byte> out = new ArrayList<>();
            for (String label : name.split("\\.", -1)) {
                byte[] l = label.getBytes(StandardCharsets.US_ASCII);
                if (l.length == 0 || l.length > 63) {
                    throw new IllegalArgumentException("APN label must be 1..63 characters: " + name);
                }
                out.add((byte) l.length);
                for (byte b : l) {
                    out.add(b);
                }
            }
            byte[] b = new byte[out.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = out.get(i);
            }
            return b;
        }

        static Apn decode(byte[] v) {
            StringBuilder sb = new StringBuilder();
            int i = 0;
            while (i < v.length) {
                int n = v[i++] & 0xff;
                if (n == 0 || i + n > v.length) {
                    throw new NasFormatException("APN label length " + n + " at octet " + (i - 1));
                }
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(new String(v, i, n, StandardCharsets.US_ASCII));
                i += n;
            }
            return new Apn(sb.toString());
        }
    }

    static void check(String what, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(what + " must be " + lo + ".." + hi + ", got " + v);
        }
    }
}
