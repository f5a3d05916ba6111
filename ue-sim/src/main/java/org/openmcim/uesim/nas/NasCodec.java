package org.openmcim.uesim.nas;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.uesim.Octets;
import org.openmcim.uesim.nas.NasIes.Apn;
import org.openmcim.uesim.nas.NasIes.Guti;
import org.openmcim.uesim.nas.NasIes.Imeisv;
import org.openmcim.uesim.nas.NasIes.Imsi;
import org.openmcim.uesim.nas.NasIes.MobileIdentity;
import org.openmcim.uesim.nas.NasIes.NasKsi;
import org.openmcim.uesim.nas.NasIes.PdnAddress;
import org.openmcim.uesim.nas.NasIes.Tai;
import org.openmcim.uesim.nas.NasIes.UeNetworkCapability;
import org.openmcim.uesim.nas.NasMessage.*;

/**
 * Codec for plain EPS NAS messages (TS 24.301 §8, IE formats of TS 24.007 §11.2: V, LV, LV-E,
 * TV, TLV, TLV-E). Security-protected messages (header type 1-4) are unwrapped first by
 * {@code nas.security.NasSecurityContext}. Stateless; {@link #decode} never throws.
 */
public final class NasCodec {
    /** TS 24.007 §11.2.3.1.1 protocol discriminators. */
    public static final int PD_EMM = 0x7;
    public static final int PD_ESM = 0x2;

    /** Who sent the message: needed because DETACH REQUEST has two forms (§8.2.11.1 / §8.2.11.2). */
    public enum Direction { UPLINK, DOWNLINK }

    // TS 24.301 §9.8 message types
    static final int ATTACH_REQUEST = 0x41, ATTACH_ACCEPT = 0x42, ATTACH_COMPLETE = 0x43, ATTACH_REJECT = 0x44,
            DETACH_REQUEST = 0x45, DETACH_ACCEPT = 0x46, AUTHENTICATION_REQUEST = 0x52,
            AUTHENTICATION_RESPONSE = 0x53, AUTHENTICATION_REJECT = 0x54, IDENTITY_REQUEST = 0x55,
            IDENTITY_RESPONSE = 0x56, AUTHENTICATION_FAILURE = 0x5c, SECURITY_MODE_COMMAND = 0x5d,
            SECURITY_MODE_COMPLETE = 0x5e, SECURITY_MODE_REJECT = 0x5f, EMM_STATUS = 0x60,
            EMM_INFORMATION = 0x61, ACTIVATE_DEFAULT_BEARER_REQUEST = 0xc1, ACTIVATE_DEFAULT_BEARER_ACCEPT = 0xc2,
            PDN_CONNECTIVITY_REQUEST = 0xd0, ESM_INFORMATION_REQUEST = 0xd9, ESM_INFORMATION_RESPONSE = 0xda;

    // optional IEIs (TS 24.301 §8.2 / §8.3 tables)
    private static final int IEI_GUTI = 0x50, IEI_EMM_CAUSE = 0x53, IEI_ESM_CONTAINER = 0x78,
            IEI_AUTH_FAILURE_PARAMETER = 0x30, IEI_IMEISV_REQUEST = 0xc0, IEI_IMEISV = 0x23,
            IEI_ESM_INFO_TRANSFER_FLAG = 0xd0, IEI_APN = 0x28, IEI_PCO = 0x27, IEI_APN_AMBR = 0x5e,
            IEI_ESM_CAUSE = 0x58, IEI_FULL_NAME = 0x43, IEI_SHORT_NAME = 0x45, IEI_UNIVERSAL_TIME = 0x47;

    /**
     * TV IEIs below 0x80 with their fixed total length: they carry no length octet, so an
     * unknown-IE skipper must know them (LAI, EMM/ESM cause, GPRS timers, LLC SAPI, P-TMSI
     * signature, time zone, time and zone, nonces).
     */
    private static final Map<Integer, Integer> TV_LENGTHS = Map.ofEntries(Map.entry(0x13, 6), Map.entry(0x53, 2),
            Map.entry(0x16, 2), Map.entry(0x17, 2), Map.entry(0x59, 2), Map.entry(0x58, 2), Map.entry(0x32, 2),
            Map.entry(0x19, 4), Map.entry(0x46, 2), Map.entry(0x47, 8), Map.entry(0x55, 5), Map.entry(0x56, 5));

    // ------------------------------------------------------------------------------ encode

    public byte[] encode(NasMessage message) {
        Out o = new Out();
        if (message instanceof AttachRequest m) {
            o.emm(ATTACH_REQUEST).u8((m.ksi().toHalfOctet() << 4) | m.attachType());
            o.lv(mobileIdentity(m.identity())).lv(capability(m.capability())).lve(m.esmContainer().toByteArray());
        } else if (message instanceof AttachAccept m) {
            o.emm(ATTACH_ACCEPT).u8(m.attachResult()).u8(m.t3412()).lv(taiList(m.taiList()))
                    .lve(m.esmContainer().toByteArray());
            m.guti().ifPresent(g -> o.tlv(IEI_GUTI, mobileIdentity(g)));
            m.emmCause().ifPresent(c -> o.u8(IEI_EMM_CAUSE).u8(c));
        } else if (message instanceof AttachComplete m) {
            o.emm(ATTACH_COMPLETE).lve(m.esmContainer().toByteArray());
        } else if (message instanceof AttachReject m) {
            o.emm(ATTACH_REJECT).u8(m.emmCause());
            m.esmContainer().ifPresent(e -> o.u8(IEI_ESM_CONTAINER).lve(e.toByteArray()));
        } else if (message instanceof UeDetachRequest m) {
            o.emm(DETACH_REQUEST).u8((m.ksi().toHalfOctet() << 4) | (m.switchOff() ? 8 : 0) | m.detachType());
            o.lv(mobileIdentity(m.identity()));
        } else if (message instanceof NetworkDetachRequest m) {
            o.emm(DETACH_REQUEST).u8(m.detachType());
            m.emmCause().ifPresent(c -> o.u8(IEI_EMM_CAUSE).u8(c));
        } else if (message instanceof DetachAccept) {
            o.emm(DETACH_ACCEPT);
        } else if (message instanceof IdentityRequest m) {
            o.emm(IDENTITY_REQUEST).u8(m.identityType());
        } else if (message instanceof IdentityResponse m) {
            o.emm(IDENTITY_RESPONSE).lv(mobileIdentity(m.identity()));
        } else if (message instanceof AuthenticationRequest m) {
            o.emm(AUTHENTICATION_REQUEST).u8(m.ksi().toHalfOctet()).bytes(m.rand().toByteArray())
                    .lv(m.autn().toByteArray());
        } else if (message instanceof AuthenticationResponse m) {
            o.emm(AUTHENTICATION_RESPONSE).lv(m.res().toByteArray());
        } else if (message instanceof AuthenticationFailure m) {
            o.emm(AUTHENTICATION_FAILURE).u8(m.emmCause());
            m.auts().ifPresent(a -> o.tlv(IEI_AUTH_FAILURE_PARAMETER, a.toByteArray()));
        } else if (message instanceof AuthenticationReject) {
            o.emm(AUTHENTICATION_REJECT);
        } else if (message instanceof SecurityModeCommand m) {
            o.emm(SECURITY_MODE_COMMAND).u8((m.eea() << 4) | m.eia()).u8(m.ksi().toHalfOctet())
                    .lv(m.replayedCapabilities().toByteArray());
            if (m.imeisvRequest()) {
                o.u8(IEI_IMEISV_REQUEST | 1);
            }
        } else if (message instanceof SecurityModeComplete m) {
            o.emm(SECURITY_MODE_COMPLETE);
            m.imeisv().ifPresent(i -> o.tlv(IEI_IMEISV, mobileIdentity(i)));
        } else if (message instanceof SecurityModeReject m) {
            o.emm(SECURITY_MODE_REJECT).u8(m.emmCause());
        } else if (message instanceof EmmInformation m) {
            o.emm(EMM_INFORMATION);
            m.fullName().ifPresent(n -> o.tlv(IEI_FULL_NAME, n.toByteArray()));
            m.shortName().ifPresent(n -> o.tlv(IEI_SHORT_NAME, n.toByteArray()));
            m.universalTime().ifPresent(t -> o.u8(IEI_UNIVERSAL_TIME).bytes(t.toByteArray()));
        } else if (message instanceof EmmStatus m) {
            o.emm(EMM_STATUS).u8(m.emmCause());
        } else if (message instanceof PdnConnectivityRequest m) {
            o.esm(0, m.pti(), PDN_CONNECTIVITY_REQUEST).u8((m.pdnType() << 4) | m.requestType());
            if (m.esmInformationTransfer()) {
                o.u8(IEI_ESM_INFO_TRANSFER_FLAG | 1);
            }
            m.apn().ifPresent(a -> o.tlv(IEI_APN, a.encode()));
            m.pco().ifPresent(p -> o.tlv(IEI_PCO, p.toByteArray()));
        } else if (message instanceof EsmInformationRequest m) {
            o.esm(0, m.pti(), ESM_INFORMATION_REQUEST);
        } else if (message instanceof EsmInformationResponse m) {
            o.esm(0, m.pti(), ESM_INFORMATION_RESPONSE);
            m.apn().ifPresent(a -> o.tlv(IEI_APN, a.encode()));
            m.pco().ifPresent(p -> o.tlv(IEI_PCO, p.toByteArray()));
        } else if (message instanceof ActivateDefaultBearerRequest m) {
            o.esm(m.ebi(), m.pti(), ACTIVATE_DEFAULT_BEARER_REQUEST).lv(m.epsQos().toByteArray()).lv(m.apn().encode());
            byte[] addr = m.pdnAddress().address().toByteArray();
            byte[] pdn = new byte[1 + addr.length];
            pdn[0] = (byte) m.pdnAddress().pdnType();
            System.arraycopy(addr, 0, pdn, 1, addr.length);
            o.lv(pdn);
            m.apnAmbr().ifPresent(a -> o.tlv(IEI_APN_AMBR, a.toByteArray()));
            m.esmCause().ifPresent(c -> o.u8(IEI_ESM_CAUSE).u8(c));
            m.pco().ifPresent(p -> o.tlv(IEI_PCO, p.toByteArray()));
        } else if (message instanceof ActivateDefaultBearerAccept m) {
            o.esm(m.ebi(), m.pti(), ACTIVATE_DEFAULT_BEARER_ACCEPT);
            m.pco().ifPresent(p -> o.tlv(IEI_PCO, p.toByteArray()));
        } else if (message instanceof Unmodelled m) {
            return m.encoding().toByteArray();
        } else {
            throw new IllegalArgumentException("no encoder for " + message.getClass());
        }
        return o.toByteArray();
    }

    // ------------------------------------------------------------------------------ decode

    /** Decodes one plain NAS message; never throws. */
    public NasDecodeResult decode(byte[] bytes, Direction direction) {
        try {
            return decodeOrThrow(bytes, direction);
        } catch (NasFormatException | IllegalArgumentException e) {
            return new NasDecodeError(e.getMessage(), NasDecodeError.INVALID_MANDATORY_INFORMATION);
        } catch (RuntimeException e) { // last line of totality
            return new NasDecodeError("decoder failure " + e, NasDecodeError.PROTOCOL_ERROR_UNSPECIFIED);
        }
    }

    private NasDecodeResult decodeOrThrow(byte[] bytes, Direction direction) {
        In in = new In(bytes);
        int first = in.u8();
        int pd = first & 0x0f;
        if (pd == PD_EMM) {
            if ((first >>> 4) != 0) {
                return new NasDecodeError("security header type " + (first >>> 4) + ": unprotect first (§9.3.1)",
                        NasDecodeError.PROTOCOL_ERROR_UNSPECIFIED);
            }
            return decodeEmm(in, in.u8(), direction, bytes);
        }
        if (pd == PD_ESM) {
            int ebi = first >>> 4;
            int pti = in.u8();
            return decodeEsm(in, ebi, pti, in.u8(), bytes);
        }
        return new NasDecodeError("protocol discriminator " + pd + " is neither EMM nor ESM",
                NasDecodeError.MESSAGE_TYPE_NON_EXISTENT);
    }

    private NasMessage decodeEmm(In in, int type, Direction direction, byte[] whole) {
        switch (type) {
            case ATTACH_REQUEST: {
                int h = in.u8();
                MobileIdentity id = readMobileIdentity(in.lv());
                UeNetworkCapability cap = readCapability(in.lv());
                Octets esm = Octets.of(in.lve());
                in.optionals(); // optional IEs (DRX parameter, MS network capability, ...) not modelled
                return new AttachRequest(h & 7, NasKsi.fromHalfOctet(h >>> 4), id, cap, esm);
            }
            case ATTACH_ACCEPT: {
                int result = in.u8() & 7;
                int t3412 = in.u8();
                List<Tai> tais = readTaiList(in.lv());
                Octets esm = Octets.of(in.lve());
                Map<Integer, byte[]> o = in.optionals();
                Optional<Guti> guti = Optional.ofNullable(o.get(IEI_GUTI)).map(v -> {
                    MobileIdentity mi = readMobileIdentity(v);
                    if (!(mi instanceof Guti g)) {
                        throw new NasFormatException("GUTI IE holds " + mi);
                    }
                    return g;
                });
                return new AttachAccept(result, t3412, tais, esm, guti,
                        Optional.ofNullable(o.get(IEI_EMM_CAUSE)).map(v -> v[0] & 0xff));
            }
            case ATTACH_COMPLETE:
                return new AttachComplete(Octets.of(in.lve()));
            case ATTACH_REJECT: {
                int cause = in.u8();
                return new AttachReject(cause, Optional.ofNullable(in.optionals().get(IEI_ESM_CONTAINER)).map(Octets::of));
            }
            case DETACH_REQUEST: {
                int h = in.u8();
                if (direction == Direction.UPLINK) {
                    MobileIdentity id = readMobileIdentity(in.lv());
                    return new UeDetachRequest((h & 8) != 0, h & 7, NasKsi.fromHalfOctet(h >>> 4), id);
                }
                return new NetworkDetachRequest(h & 7,
                        Optional.ofNullable(in.optionals().get(IEI_EMM_CAUSE)).map(v -> v[0] & 0xff));
            }
            case DETACH_ACCEPT:
                return new DetachAccept();
            case IDENTITY_REQUEST:
                return new IdentityRequest(in.u8() & 7);
            case IDENTITY_RESPONSE:
                return new IdentityResponse(readMobileIdentity(in.lv()));
            case AUTHENTICATION_REQUEST: {
                NasKsi ksi = NasKsi.fromHalfOctet(in.u8() & 0x0f);
                Octets rand = Octets.of(in.bytes(16));
                return new AuthenticationRequest(ksi, rand, Octets.of(in.lv()));
            }
            case AUTHENTICATION_RESPONSE:
                return new AuthenticationResponse(Octets.of(in.lv()));
            case AUTHENTICATION_FAILURE: {
                int cause = in.u8();
                return new AuthenticationFailure(cause,
                        Optional.ofNullable(in.optionals().get(IEI_AUTH_FAILURE_PARAMETER)).map(Octets::of));
            }
            case AUTHENTICATION_REJECT:
                return new AuthenticationReject();
            case SECURITY_MODE_COMMAND: {
                int alg = in.u8();
                NasKsi ksi = NasKsi.fromHalfOctet(in.u8() & 0x0f);
                Octets caps = Octets.of(in.lv());
                byte[] imeisv = in.optionals().get(IEI_IMEISV_REQUEST);
                return new SecurityModeCommand((alg >>> 4) & 7, alg & 7, ksi, caps, imeisv != null && (imeisv[0] & 7) == 1);
            }
            case SECURITY_MODE_COMPLETE:
                return new SecurityModeComplete(
                        Optional.ofNullable(in.optionals().get(IEI_IMEISV)).map(NasCodec::readMobileIdentity));
            case SECURITY_MODE_REJECT:
                return new SecurityModeReject(in.u8());
            case EMM_INFORMATION: {
                Map<Integer, byte[]> o = in.optionals();
                return new EmmInformation(Optional.ofNullable(o.get(IEI_FULL_NAME)).map(Octets::of),
                        Optional.ofNullable(o.get(IEI_SHORT_NAME)).map(Octets::of),
                        Optional.ofNullable(o.get(IEI_UNIVERSAL_TIME)).map(Octets::of));
            }
            case EMM_STATUS:
                return new EmmStatus(in.u8());
            default:
                return new Unmodelled(PD_EMM, type, Octets.of(whole));
        }
    }

    private NasMessage decodeEsm(In in, int ebi, int pti, int type, byte[] whole) {
        switch (type) {
            case PDN_CONNECTIVITY_REQUEST: {
                int h = in.u8();
                Map<Integer, byte[]> o = in.optionals();
                byte[] flag = o.get(IEI_ESM_INFO_TRANSFER_FLAG);
                return new PdnConnectivityRequest(pti, h & 7, (h >>> 4) & 7, flag != null && (flag[0] & 1) == 1,
                        Optional.ofNullable(o.get(IEI_APN)).map(Apn::decode), Optional.ofNullable(o.get(IEI_PCO)).map(Octets::of));
            }
            case ESM_INFORMATION_REQUEST:
                return new EsmInformationRequest(pti);
            case ESM_INFORMATION_RESPONSE: {
                Map<Integer, byte[]> o = in.optionals();
                return new EsmInformationResponse(pti, Optional.ofNullable(o.get(IEI_APN)).map(Apn::decode),
                        Optional.ofNullable(o.get(IEI_PCO)).map(Octets::of));
            }
            case ACTIVATE_DEFAULT_BEARER_REQUEST: {
                Octets qos = Octets.of(in.lv());
                Apn apn = Apn.decode(in.lv());
                byte[] pdn = in.lv();
                if (pdn.length < 1) {
                    throw new NasFormatException("empty PDN address");
                }
                PdnAddress address = new PdnAddress(pdn[0] & 7, Octets.of(pdn, 1, pdn.length));
                Map<Integer, byte[]> o = in.optionals();
                return new ActivateDefaultBearerRequest(ebi, pti, qos, apn, address,
                        Optional.ofNullable(o.get(IEI_APN_AMBR)).map(Octets::of),
                        Optional.ofNullable(o.get(IEI_ESM_CAUSE)).map(v -> v[0] & 0xff),
                        Optional.ofNullable(o.get(IEI_PCO)).map(Octets::of));
            }
            case ACTIVATE_DEFAULT_BEARER_ACCEPT:
                return new ActivateDefaultBearerAccept(ebi, pti,
                        Optional.ofNullable(in.optionals().get(IEI_PCO)).map(Octets::of));
            default:
                return new Unmodelled(PD_ESM, type, Octets.of(whole));
        }
    }

    // --------------------------------------------------------------------------- IE codecs

    /** §9.9.3.12 EPS mobile identity / TS 24.008 §10.5.1.4: type in bits 1-3, odd/even in bit 4. */
    static byte[] mobileIdentity(MobileIdentity id) {
        if (id instanceof Guti g) {
            byte[] out = new byte[11];
            out[0] = (byte) 0xf6; // bits 8-5 '1111', even, type 110 GUTI
            System.arraycopy(g.plmn().toOctets(), 0, out, 1, 3);
            out[4] = (byte) (g.mmeGroupId() >>> 8);
            out[5] = (byte) g.mmeGroupId();
            out[6] = (byte) g.mmeCode();
            for (int i = 0; i < 4; i++) {
                out[7 + i] = (byte) (g.mTmsi() >>> (24 - 8 * i));
            }
            return out;
        }
        String digits = id instanceof Imsi i ? i.digits() : ((Imeisv) id).digits();
        int type = id instanceof Imsi ? 1 : 3;
        boolean odd = digits.length() % 2 == 1;
        byte[] out = new byte[digits.length() / 2 + 1];
        out[0] = (byte) (((digits.charAt(0) - '0') << 4) | (odd ? 8 : 0) | type);
        for (int k = 1; k < digits.length(); k += 2) {
            int lo = digits.charAt(k) - '0';
            int hi = k + 1 < digits.length() ? digits.charAt(k + 1) - '0' : 0xf;
            out[(k + 1) / 2] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    static MobileIdentity readMobileIdentity(byte[] v) {
        if (v.length < 1) {
            throw new NasFormatException("empty mobile identity");
        }
        int type = v[0] & 7;
        if (type == 6) {
            if (v.length != 11) {
                throw new NasFormatException("GUTI must be 11 octets, got " + v.length);
            }
            PlmnId plmn = PlmnId.fromOctets(new byte[] {v[1], v[2], v[3]});
            long tmsi = ((v[7] & 0xffL) << 24) | ((v[8] & 0xff) << 16) | ((v[9] & 0xff) << 8) | (v[10] & 0xff);
            return new Guti(plmn, ((v[4] & 0xff) << 8) | (v[5] & 0xff), v[6] & 0xff, tmsi);
        }
        if (type != 1 && type != 3) {
            throw new NasFormatException("mobile identity type " + type + " not supported");
        }
        StringBuilder sb = new StringBuilder();
        sb.append(digit(v[0] >>> 4));
        boolean odd = (v[0] & 8) != 0;
        for (int i = 1; i < v.length; i++) {
            sb.append(digit(v[i]));
            boolean last = i == v.length - 1;
            if (!(last && !odd)) {
                sb.append(digit(v[i] >>> 4));
            } else if (((v[i] >>> 4) & 0xf) != 0xf) {
                throw new NasFormatException("even identity without the 1111 filler");
            }
        }
        return type == 1 ? new Imsi(sb.toString()) : new Imeisv(sb.toString());
    }

    private static char digit(int nibble) {
        int d = nibble & 0xf;
        if (d > 9) {
            throw new NasFormatException("BCD digit " + d);
        }
        return (char) ('0' + d);
    }

    private static byte[] capability(UeNetworkCapability c) {
        byte[] out = new byte[2 + c.rest().length()];
        out[0] = (byte) c.eea();
        out[1] = (byte) c.eia();
        c.rest().copyTo(out, 2);
        return out;
    }

    private static UeNetworkCapability readCapability(byte[] v) {
        if (v.length < 2 || v.length > 13) {
            throw new NasFormatException("UE network capability of " + v.length + " octets (2..13)");
        }
        return new UeNetworkCapability(v[0] & 0xff, v[1] & 0xff, Octets.of(v, 2, v.length));
    }

    /** §9.9.3.33 Tracking area identity list: one type-"00" partial list per run of equal PLMNs. */
    private static byte[] taiList(List<Tai> tais) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < tais.size()) {
            int j = i;
            while (j < tais.size() && tais.get(j).plmn().equals(tais.get(i).plmn()) && j - i < 16) {
                j++;
            }
            out.write(j - i - 1); // type of list 00, number of elements - 1
            out.writeBytes(tais.get(i).plmn().toOctets());
            for (int k = i; k < j; k++) {
                out.write(tais.get(k).tac() >>> 8);
                out.write(tais.get(k).tac());
            }
            i = j;
        }
        return out.toByteArray();
    }

    private static List<Tai> readTaiList(byte[] v) {
        In in = new In(v);
        List<Tai> out = new ArrayList<>();
        while (in.remaining() > 0) {
            int h = in.u8();
            int type = (h >>> 5) & 3;
            int n = (h & 0x1f) + 1;
            switch (type) {
                case 0 -> {
                    PlmnId plmn = PlmnId.fromOctets(in.bytes(3));
                    for (int k = 0; k < n; k++) {
                        out.add(new Tai(plmn, in.u16()));
                    }
                }
                case 1 -> {
                    PlmnId plmn = PlmnId.fromOctets(in.bytes(3));
                    int tac = in.u16();
                    for (int k = 0; k < n; k++) {
                        out.add(new Tai(plmn, (tac + k) & 0xffff));
                    }
                }
                case 2 -> {
                    for (int k = 0; k < n; k++) {
                        out.add(new Tai(PlmnId.fromOctets(in.bytes(3)), in.u16()));
                    }
                }
                default -> throw new NasFormatException("TAI list type " + type + " reserved");
            }
        }
        if (out.isEmpty() || out.size() > 16) {
            throw new NasFormatException("TAI list with " + out.size() + " TAIs (1..16)");
        }
        return out;
    }

    // --------------------------------------------------------------------------- octets

    private static final class Out {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Out u8(int v) {
            b.write(v);
            return this;
        }

        Out bytes(byte[] v) {
            b.writeBytes(v);
            return this;
        }

        Out emm(int type) {
            return u8(PD_EMM).u8(type); // security header type 0: plain
        }

        Out esm(int ebi, int pti, int type) {
            return u8((ebi << 4) | PD_ESM).u8(pti).u8(type);
        }

        Out lv(byte[] v) {
            if (v.length > 255) {
                throw new IllegalArgumentException("LV value of " + v.length + " octets");
            }
            return u8(v.length).bytes(v);
        }

        Out lve(byte[] v) {
            if (v.length > 65535) {
                throw new IllegalArgumentException("LV-E value of " + v.length + " octets");
            }
            return u8(v.length >>> 8).u8(v.length).bytes(v);
        }

        Out tlv(int iei, byte[] v) {
            return u8(iei).lv(v);
        }

        byte[] toByteArray() {
            return b.toByteArray();
        }
    }

    /** Bounded reader: every read checks the length first. */
    private static final class In {
        private final byte[] b;
        private int pos;

        In(byte[] b) {
            this.b = b;
        }

        int remaining() {
            return b.length - pos;
        }

        int u8() {
            need(1);
            return b[pos++] & 0xff;
        }

        int u16() {
            return (u8() << 8) | u8();
        }

        byte[] bytes(int n) {
            need(n);
            byte[] out = new byte[n];
            System.arraycopy(b, pos, out, 0, n);
            pos += n;
            return out;
        }

        byte[] lv() {
            return bytes(u8());
        }

        byte[] lve() {
            return bytes(u16());
        }

        /**
         * The optional part (TS 24.007 §11.2.4): IEIs with bit 8 set are one octet (type 1 keyed by
         * the upper nibble with its value in the lower; type 2 whole); IEIs 0x78-0x7F are TLV-E;
         * the fixed-length TVs are in {@link #TV_LENGTHS}; everything else is TLV. Unknown IEs are
         * skipped, a repeated IE keeps its first occurrence (§7.6.3), truncation is an error.
         */
        Map<Integer, byte[]> optionals() {
            Map<Integer, byte[]> out = new HashMap<>();
            while (remaining() > 0) {
                int iei = u8();
                int key;
                byte[] value;
                if ((iei & 0x80) != 0) {
                    key = iei >= 0xa0 || iei < 0x90 ? iei & 0xf0 : iei;
                    value = new byte[] {(byte) (iei & 0x0f)};
                } else if (iei >= 0x78) {
                    key = iei;
                    value = lve();
                } else if (TV_LENGTHS.containsKey(iei)) {
                    key = iei;
                    value = bytes(TV_LENGTHS.get(iei) - 1);
                } else {
                    key = iei;
                    value = lv();
                }
                out.putIfAbsent(key, value);
            }
            return out;
        }

        private void need(int n) {
            if (n > remaining()) {
                throw new NasFormatException("needs " + n + " octets at " + pos + ", " + remaining() + " left");
            }
        }
    }
}
