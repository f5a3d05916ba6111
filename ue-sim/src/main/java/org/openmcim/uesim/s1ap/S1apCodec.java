package org.openmcim.uesim.s1ap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;

import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.uesim.Octets;
import org.openmcim.uesim.s1ap.S1apIes.Cause;
import org.openmcim.uesim.s1ap.S1apIes.ErabQos;
import org.openmcim.uesim.s1ap.S1apIes.ErabSetup;
import org.openmcim.uesim.s1ap.S1apIes.ErabToBeSetup;
import org.openmcim.uesim.s1ap.S1apIes.EutranCgi;
import org.openmcim.uesim.s1ap.S1apIes.GlobalEnbId;
import org.openmcim.uesim.s1ap.S1apIes.RrcEstablishmentCause;
import org.openmcim.uesim.s1ap.S1apIes.STmsi;
import org.openmcim.uesim.s1ap.S1apIes.ServedGummei;
import org.openmcim.uesim.s1ap.S1apIes.SupportedTa;
import org.openmcim.uesim.s1ap.S1apIes.Tai;
import org.openmcim.uesim.s1ap.S1apIes.TransportLayerAddress;
import org.openmcim.uesim.s1ap.S1apIes.UeAssociatedConnection;
import org.openmcim.uesim.s1ap.S1apIes.UeSecurityCapabilities;
import org.openmcim.uesim.s1ap.S1apMessage.DownlinkNasTransport;
import org.openmcim.uesim.s1ap.S1apMessage.ErrorIndication;
import org.openmcim.uesim.s1ap.S1apMessage.InitialContextSetupFailure;
import org.openmcim.uesim.s1ap.S1apMessage.InitialContextSetupRequest;
import org.openmcim.uesim.s1ap.S1apMessage.InitialContextSetupResponse;
import org.openmcim.uesim.s1ap.S1apMessage.InitialUeMessage;
import org.openmcim.uesim.s1ap.S1apMessage.Reset;
import org.openmcim.uesim.s1ap.S1apMessage.ResetAcknowledge;
import org.openmcim.uesim.s1ap.S1apMessage.S1SetupFailure;
import org.openmcim.uesim.s1ap.S1apMessage.S1SetupRequest;
import org.openmcim.uesim.s1ap.S1apMessage.S1SetupResponse;
import org.openmcim.uesim.s1ap.S1apMessage.UeContextReleaseCommand;
import org.openmcim.uesim.s1ap.S1apMessage.UeContextReleaseComplete;
import org.openmcim.uesim.s1ap.S1apMessage.UeContextReleaseRequest;
import org.openmcim.uesim.s1ap.S1apMessage.Unmodelled;
import org.openmcim.uesim.s1ap.S1apMessage.UplinkNasTransport;

/**
 * S1AP codec (TS 36.413 §9.3, ASN.1 in X.691 ALIGNED PER), written by hand for the messages in
 * {@link S1apMessage}. Two layers: {@link S1apPdu} (PDU type, procedure code, IE container, IE
 * values as open-type octets) and the typed records. Stateless and thread-safe.
 *
 * <p>{@link #decode} is total: malformed input (truncation, out-of-range values, missing
 * mandatory IEs, trailing octets) comes back as an {@link S1apDecodeError}, never as an exception.
 * Procedures the simulator does not model come back as {@link Unmodelled}.
 */
public final class S1apCodec {

    /** TS 36.413 §9.3.6 maxProtocolIEs. */
    private static final int MAX_PROTOCOL_IES = 65535;
    /** §9.3.6 maxnoofE-RABs. */
    private static final int MAX_ERABS = 256;

    // ------------------------------------------------------------------------------ PDU layer

    /** Encodes a typed message. */
    public byte[] encode(S1apMessage message) {
        return encodePdu(toPdu(message));
    }

    /** Decodes one complete S1AP PDU; never throws. */
    public S1apDecodeResult decode(byte[] pdu) {
        S1apPdu generic;
        try {
            generic = decodePdu(pdu);
        } catch (PerException | IllegalArgumentException e) {
            return new S1apDecodeError("S1AP-PDU: " + e.getMessage(), Optional.empty());
        } catch (RuntimeException e) { // last line of totality: a decoder bug must not kill the channel
            return new S1apDecodeError("S1AP-PDU: decoder failure " + e, Optional.empty());
        }
        try {
            return fromPdu(generic);
        } catch (PerException | IllegalArgumentException e) {
            return new S1apDecodeError(describe(generic) + ": " + e.getMessage(), Optional.of(generic));
        } catch (RuntimeException e) {
            return new S1apDecodeError(describe(generic) + ": decoder failure " + e, Optional.of(generic));
        }
    }

    /**
     * §9.3.2 S1AP-PDU ::= CHOICE { initiatingMessage, successfulOutcome, unsuccessfulOutcome, ... };
     * each a SEQUENCE { procedureCode, criticality, value open type }, the value a SEQUENCE
     * { protocolIEs ProtocolIE-Container, ... }.
     */
    public byte[] encodePdu(S1apPdu pdu) {
        PerWriter value = new PerWriter();
        value.bit(false); // message SEQUENCE extension bit
        value.constrained(pdu.ies().size(), 0, MAX_PROTOCOL_IES);
        for (ProtocolIe ie : pdu.ies()) {
            writeField(value, ie);
        }
        PerWriter w = new PerWriter();
        w.bit(false); // S1AP-PDU extension bit
        w.constrained(pdu.type().ordinal(), 0, 2);
        w.constrained(pdu.procedureCode(), 0, 255);
        w.enumerated(pdu.criticality().ordinal(), 3, false);
        w.openType(value.toByteArray());
        return w.toByteArray();
    }

    /** The generic layer of {@link #decode}; throws {@link PerException} on malformed input. */
    S1apPdu decodePdu(byte[] bytes) {
        PerReader r = new PerReader(bytes);
        if (r.bit()) {
            throw new PerException("S1AP-PDU extension alternative not supported");
        }
        PduType type = PduType.values()[(int) r.constrained(0, 2)];
        int procedureCode = (int) r.constrained(0, 255);
        Criticality criticality = Criticality.values()[criticality(r)];
        byte[] value = r.openType();
        r.align();
        if (r.remainingBits() != 0) {
            throw new PerException((r.remainingBits() / 8) + " octets after the PDU");
        }
        PerReader v = new PerReader(value);
        v.bit(); // extension bit of the message SEQUENCE: additions would follow the container
        int count = (int) v.constrained(0, MAX_PROTOCOL_IES);
        List<ProtocolIe> ies = new ArrayList<>(Math.min(count, 64));
        for (int i = 0; i < count; i++) {
            ies.add(readField(v));
        }
        return new S1apPdu(type, procedureCode, criticality, ies);
    }

    /** §9.3.7 ProtocolIE-Field: id INTEGER (0..65535), criticality, value open type. */
    private static void writeField(PerWriter w, ProtocolIe ie) {
        w.constrained(ie.id(), 0, 65535);
        w.enumerated(ie.criticality().ordinal(), 3, false);
        w.openType(ie.value().toByteArray());
    }

    private static ProtocolIe readField(PerReader r) {
        int id = (int) r.constrained(0, 65535);
        Criticality c = Criticality.values()[criticality(r)];
        return new ProtocolIe(id, c, Octets.of(r.openType()));
    }

    private static int criticality(PerReader r) {
        int c = (int) r.constrained(0, 3);
        if (c > 2) {
            throw new PerException("criticality " + c + " is not reject/ignore/notify");
        }
        return c;
    }

    private static String describe(S1apPdu pdu) {
        return pdu.type() + " procedure " + pdu.procedureCode();
    }

    // --------------------------------------------------------------------- typed → generic

    /** Maps a typed message to its generic PDU, with the IE criticalities of TS 36.413 §9.1. */
    public S1apPdu toPdu(S1apMessage message) {
        Ies ies = new Ies();
        if (message instanceof S1SetupRequest m) {
            ies.add(IeId.GLOBAL_ENB_ID, Criticality.REJECT, globalEnbId(m.globalEnbId()));
            m.enbName().ifPresent(n -> ies.add(IeId.ENB_NAME, Criticality.IGNORE, printableString(n)));
            ies.add(IeId.SUPPORTED_TAS, Criticality.REJECT, supportedTas(m.supportedTas()));
            ies.add(IeId.DEFAULT_PAGING_DRX, Criticality.IGNORE, new PerWriter().enumerated(m.defaultPagingDrx(), 4, true));
            return ies.pdu(PduType.INITIATING_MESSAGE, ProcedureCode.S1_SETUP, Criticality.REJECT);
        }
        if (message instanceof S1SetupResponse m) {
            m.mmeName().ifPresent(n -> ies.add(IeId.MME_NAME, Criticality.IGNORE, printableString(n)));
            ies.add(IeId.SERVED_GUMMEIS, Criticality.REJECT, servedGummeis(m.servedGummeis()));
            ies.add(IeId.RELATIVE_MME_CAPACITY, Criticality.IGNORE, new PerWriter().constrained(m.relativeMmeCapacity(), 0, 255));
            return ies.pdu(PduType.SUCCESSFUL_OUTCOME, ProcedureCode.S1_SETUP, Criticality.REJECT);
        }
        if (message instanceof S1SetupFailure m) {
            ies.add(IeId.CAUSE, Criticality.IGNORE, cause(m.cause()));
            m.timeToWait().ifPresent(t -> ies.add(IeId.TIME_TO_WAIT, Criticality.IGNORE, new PerWriter().enumerated(t, 6, true)));
            return ies.pdu(PduType.UNSUCCESSFUL_OUTCOME, ProcedureCode.S1_SETUP, Criticality.REJECT);
        }
        if (message instanceof InitialUeMessage m) {
            ies.add(IeId.ENB_UE_S1AP_ID, Criticality.REJECT, enbId(m.enbUeS1apId()));
            ies.add(IeId.NAS_PDU, Criticality.REJECT, new PerWriter().octetString(m.nasPdu().toByteArray()));
            ies.add(IeId.TAI, Criticality.REJECT, tai(m.tai()));
            ies.add(IeId.EUTRAN_CGI, Criticality.IGNORE, eutranCgi(m.eutranCgi()));
            ies.add(IeId.RRC_ESTABLISHMENT_CAUSE, Criticality.IGNORE,
                    new PerWriter().enumerated(m.rrcEstablishmentCause().ordinal(), RrcEstablishmentCause.ROOT, true));
            m.sTmsi().ifPresent(s -> ies.add(IeId.S_TMSI, Criticality.REJECT, sTmsi(s)));
            return ies.pdu(PduType.INITIATING_MESSAGE, ProcedureCode.INITIAL_UE_MESSAGE, Criticality.IGNORE);
        }
        if (message instanceof DownlinkNasTransport m) {
            ies.add(IeId.MME_UE_S1AP_ID, Criticality.REJECT, mmeId(m.mmeUeS1apId()));
            ies.add(IeId.ENB_UE_S1AP_ID, Criticality.REJECT, enbId(m.enbUeS1apId()));
            ies.add(IeId.NAS_PDU, Criticality.REJECT, new PerWriter().octetString(m.nasPdu().toByteArray()));
            return ies.pdu(PduType.INITIATING_MESSAGE, ProcedureCode.DOWNLINK_NAS_TRANSPORT, Criticality.IGNORE);
        }
        if (message instanceof UplinkNasTransport m) {
            ies.add(IeId.MME_UE_S1AP_ID, Criticality.REJECT, mmeId(m.mmeUeS1apId()));
            ies.add(IeId.ENB_UE_S1AP_ID, Criticality.REJECT, enbId(m.enbUeS1apId()));
            ies.add(IeId.NAS_PDU, Criticality.REJECT, new PerWriter().octetString(m.nasPdu().toByteArray()));
            ies.add(IeId.EUTRAN_CGI, Criticality.IGNORE, eutranCgi(m.eutranCgi()));
            ies.add(IeId.TAI, Criticality.IGNORE, tai(m.tai()));
            return ies.pdu(PduType.INITIATING_MESSAGE, ProcedureCode.UPLINK_NAS_TRANSPORT, Criticality.IGNORE);
        }
        if (message instanceof InitialContextSetupRequest m) {
            ies.add(IeId.MME_UE_S1AP_ID, Criticality.REJECT, mmeId(m.mmeUeS1apId()));
            ies.add(IeId.ENB_UE_S1AP_ID, Criticality.REJECT, enbId(m.enbUeS1apId()));
            PerWriter ambr = new PerWriter().bit(false).bit(false);
            bitRate(ambr, m.ueAmbrDownlink());
            bitRate(ambr, m.ueAmbrUplink());
            ies.add(IeId.UE_AGGREGATE_MAXIMUM_BITRATE, Criticality.REJECT, ambr);
            ies.add(IeId.E_RAB_TO_BE_SETUP_LIST_CTXT_SU_REQ, Criticality.REJECT,
                    singleContainerList(m.erabs(), IeId.E_RAB_TO_BE_SETUP_ITEM_CTXT_SU_REQ, Criticality.REJECT,
                            S1apCodec::erabToBeSetup));
            PerWriter sec = new PerWriter().bit(false).bit(false);
            sec.bit(false).bits(m.ueSecurityCapabilities().encryptionAlgorithms(), 16);
            sec.bit(false).bits(m.ueSecurityCapabilities().integrityAlgorithms(), 16);
            ies.add(IeId.UE_SECURITY_CAPABILITIES, Criticality.REJECT, sec);
            ies.add(IeId.SECURITY_KEY, Criticality.REJECT, new PerWriter().fixedBitString(m.securityKey().toByteArray(), 256));
            return ies.pdu(PduType.INITIATING_MESSAGE, ProcedureCode.INITIAL_CONTEXT_SETUP, Criticality.REJECT);
        }
        if (message instanceof InitialContextSetupResponse m) {
            ies.add(IeId.MME_UE_S1AP_ID, Criticality.IGNORE, mmeId(m.mmeUeS1apId()));
            ies.add(IeId.ENB_UE_S1AP_ID, Criticality.IGNORE, enbId(m.enbUeS1apId()));
            ies.add(IeId.E_RAB_SETUP_LIST_CTXT_SU_RES, Criticality.IGNORE,
                    singleContainerList(m.erabs(), IeId.E_RAB_SETUP_ITEM_CTXT_SU_RES, Criticality.IGNORE, S1apCodec::erabSetup));
            return ies.pdu(PduType.SUCCESSFUL_OUTCOME, ProcedureCode.INITIAL_CONTEXT_SETUP, Criticality.REJECT);
        }
        if (message instanceof InitialContextSetupFailure m) {
            ies.add(IeId.MME_UE_S1AP_ID, Criticality.IGNORE, mmeId(m.mmeUeS1apId()));
            ies.add(IeId.ENB_UE_S1AP_ID, Criticality.IGNORE, enbId(m.enbUeS1apId()));
            ies.add(IeId.CAUSE, Criticality.IGNORE, cause(m.cause()));
            return ies.pdu(PduType.UNSUCCESSFUL_OUTCOME, ProcedureCode.INITIAL_CONTEXT_SETUP, Criticality.REJECT);
        }
        if (message instanceof UeContextReleaseRequest m) {
            ies.add(IeId.MME_UE_S1AP_ID, Criticality.REJECT, mmeId(m.mmeUeS1apId()));
            ies.add(IeId.ENB_UE_S1AP_ID, Criticality.REJECT, enbId(m.enbUeS1apId()));
            ies.add(IeId.CAUSE, Criticality.IGNORE, cause(m.cause()));
            return ies.pdu(PduType.INITIATING_MESSAGE, ProcedureCode.UE_CONTEXT_RELEASE_REQUEST, Criticality.IGNORE);
        }
        if (message instanceof UeContextReleaseCommand m) {
            // §9.2.3.18 UE S1AP IDs ::= CHOICE { uE-S1AP-ID-pair, mME-UE-S1AP-ID, ... }
            PerWriter ids = new PerWriter().bit(false);
            if (m.enbUeS1apId().isPresent()) {
                ids.constrained(0, 0, 1).bit(false).bit(false);
                ids.constrained(m.mmeUeS1apId(), 0, S1apIes.MAX_MME_UE_S1AP_ID);
                ids.constrained(m.enbUeS1apId().getAsLong(), 0, S1apIes.MAX_ENB_UE_S1AP_ID);
            } else {
                ids.constrained(1, 0, 1);
                ids.constrained(m.mmeUeS1apId(), 0, S1apIes.MAX_MME_UE_S1AP_ID);
            }
            ies.add(IeId.UE_S1AP_IDS, Criticality.REJECT, ids);
            ies.add(IeId.CAUSE, Criticality.IGNORE, cause(m.cause()));
            return ies.pdu(PduType.INITIATING_MESSAGE, ProcedureCode.UE_CONTEXT_RELEASE, Criticality.REJECT);
        }
        if (message instanceof UeContextReleaseComplete m) {
            ies.add(IeId.MME_UE_S1AP_ID, Criticality.IGNORE, mmeId(m.mmeUeS1apId()));
            ies.add(IeId.ENB_UE_S1AP_ID, Criticality.IGNORE, enbId(m.enbUeS1apId()));
            return ies.pdu(PduType.SUCCESSFUL_OUTCOME, ProcedureCode.UE_CONTEXT_RELEASE, Criticality.REJECT);
        }
        if (message instanceof ErrorIndication m) {
            m.mmeUeS1apId().ifPresent(id -> ies.add(IeId.MME_UE_S1AP_ID, Criticality.IGNORE, mmeId(id)));
            m.enbUeS1apId().ifPresent(id -> ies.add(IeId.ENB_UE_S1AP_ID, Criticality.IGNORE, enbId(id)));
            m.cause().ifPresent(c -> ies.add(IeId.CAUSE, Criticality.IGNORE, cause(c)));
            return ies.pdu(PduType.INITIATING_MESSAGE, ProcedureCode.ERROR_INDICATION, Criticality.IGNORE);
        }
        if (message instanceof Reset m) {
            ies.add(IeId.CAUSE, Criticality.IGNORE, cause(m.cause()));
            // §9.1.8.1 ResetType ::= CHOICE { s1-Interface ResetAll, partOfS1-Interface ..., ... }
            PerWriter type = new PerWriter().bit(false);
            if (m.resetAll()) {
                type.constrained(0, 0, 1).enumerated(0, 1, true); // ResetAll ::= ENUMERATED { reset-all, ... }
            } else {
                type.constrained(1, 0, 1);
                writeSingleContainerList(type, m.connections(), IeId.UE_ASSOCIATED_LOGICAL_S1_CONNECTION_ITEM,
                        Criticality.REJECT, S1apCodec::connection);
            }
            ies.add(IeId.RESET_TYPE, Criticality.REJECT, type);
            return ies.pdu(PduType.INITIATING_MESSAGE, ProcedureCode.RESET, Criticality.REJECT);
        }
        if (message instanceof ResetAcknowledge m) {
            if (!m.connections().isEmpty()) {
                ies.add(IeId.UE_ASSOCIATED_LOGICAL_S1_CONNECTION_LIST_RES_ACK, Criticality.IGNORE,
                        singleContainerList(m.connections(), IeId.UE_ASSOCIATED_LOGICAL_S1_CONNECTION_ITEM,
                                Criticality.IGNORE, S1apCodec::connection));
            }
            return ies.pdu(PduType.SUCCESSFUL_OUTCOME, ProcedureCode.RESET, Criticality.REJECT);
        }
        if (message instanceof Unmodelled m) {
            return m.pdu();
        }
        throw new IllegalArgumentException("no encoder for " + message.getClass());
    }

    // --------------------------------------------------------------------- generic → typed

    /** Maps a generic PDU to a typed message; throws on a missing mandatory IE or a malformed value. */
    public S1apMessage fromPdu(S1apPdu pdu) {
        IeReader ies = new IeReader(pdu);
        int code = pdu.procedureCode();
        switch (pdu.type()) {
            case INITIATING_MESSAGE -> {
                switch (code) {
                    case ProcedureCode.S1_SETUP:
                        return new S1SetupRequest(ies.required(IeId.GLOBAL_ENB_ID, S1apCodec::readGlobalEnbId),
                                ies.optional(IeId.ENB_NAME, S1apCodec::readPrintableString),
                                ies.required(IeId.SUPPORTED_TAS, S1apCodec::readSupportedTas),
                                ies.optional(IeId.DEFAULT_PAGING_DRX, r -> r.enumerated(4, true)).orElse(2));
                    case ProcedureCode.INITIAL_UE_MESSAGE:
                        return new InitialUeMessage(ies.required(IeId.ENB_UE_S1AP_ID, S1apCodec::readEnbId),
                                ies.required(IeId.NAS_PDU, r -> Octets.of(r.octetString())),
                                ies.required(IeId.TAI, S1apCodec::readTai),
                                ies.required(IeId.EUTRAN_CGI, S1apCodec::readEutranCgi),
                                ies.required(IeId.RRC_ESTABLISHMENT_CAUSE, S1apCodec::readRrcCause),
                                ies.optional(IeId.S_TMSI, S1apCodec::readSTmsi));
                    case ProcedureCode.DOWNLINK_NAS_TRANSPORT:
                        return new DownlinkNasTransport(ies.required(IeId.MME_UE_S1AP_ID, S1apCodec::readMmeId),
                                ies.required(IeId.ENB_UE_S1AP_ID, S1apCodec::readEnbId),
                                ies.required(IeId.NAS_PDU, r -> Octets.of(r.octetString())));
                    case ProcedureCode.UPLINK_NAS_TRANSPORT:
                        return new UplinkNasTransport(ies.required(IeId.MME_UE_S1AP_ID, S1apCodec::readMmeId),
                                ies.required(IeId.ENB_UE_S1AP_ID, S1apCodec::readEnbId),
                                ies.required(IeId.NAS_PDU, r -> Octets.of(r.octetString())),
                                ies.required(IeId.EUTRAN_CGI, S1apCodec::readEutranCgi),
                                ies.required(IeId.TAI, S1apCodec::readTai));
                    case ProcedureCode.INITIAL_CONTEXT_SETUP:
                        long[] ambr = ies.required(IeId.UE_AGGREGATE_MAXIMUM_BITRATE, r -> {
                            boolean ext = r.bit();
                            boolean opt = r.bit();
                            long[] v = {readBitRate(r), readBitRate(r)};
                            skipSequenceTail(r, ext, opt);
                            return v;
                        });
                        return new InitialContextSetupRequest(ies.required(IeId.MME_UE_S1AP_ID, S1apCodec::readMmeId),
                                ies.required(IeId.ENB_UE_S1AP_ID, S1apCodec::readEnbId), ambr[0], ambr[1],
                                ies.required(IeId.E_RAB_TO_BE_SETUP_LIST_CTXT_SU_REQ,
                                        r -> readSingleContainerList(r, IeId.E_RAB_TO_BE_SETUP_ITEM_CTXT_SU_REQ, S1apCodec::readErabToBeSetup)),
                                ies.required(IeId.UE_SECURITY_CAPABILITIES, S1apCodec::readUeSecurityCapabilities),
                                ies.required(IeId.SECURITY_KEY, r -> Octets.of(r.fixedBitString(256))));
                    case ProcedureCode.UE_CONTEXT_RELEASE_REQUEST:
                        return new UeContextReleaseRequest(ies.required(IeId.MME_UE_S1AP_ID, S1apCodec::readMmeId),
                                ies.required(IeId.ENB_UE_S1AP_ID, S1apCodec::readEnbId),
                                ies.required(IeId.CAUSE, S1apCodec::readCause));
                    case ProcedureCode.UE_CONTEXT_RELEASE:
                        long[] ids = ies.required(IeId.UE_S1AP_IDS, S1apCodec::readUeS1apIds);
                        return new UeContextReleaseCommand(ids[0], ids[1] < 0 ? OptionalLong.empty() : OptionalLong.of(ids[1]),
                                ies.required(IeId.CAUSE, S1apCodec::readCause));
                    case ProcedureCode.ERROR_INDICATION:
                        return new ErrorIndication(optionalLong(ies.optional(IeId.MME_UE_S1AP_ID, S1apCodec::readMmeId)),
                                optionalLong(ies.optional(IeId.ENB_UE_S1AP_ID, S1apCodec::readEnbId)),
                                ies.optional(IeId.CAUSE, S1apCodec::readCause));
                    case ProcedureCode.RESET:
                        return new Reset(ies.required(IeId.CAUSE, S1apCodec::readCause),
                                ies.required(IeId.RESET_TYPE, S1apCodec::readResetType));
                    default:
                        return new Unmodelled(pdu);
                }
            }
            case SUCCESSFUL_OUTCOME -> {
                switch (code) {
                    case ProcedureCode.S1_SETUP:
                        return new S1SetupResponse(ies.optional(IeId.MME_NAME, S1apCodec::readPrintableString),
                                ies.required(IeId.SERVED_GUMMEIS, S1apCodec::readServedGummeis),
                                ies.required(IeId.RELATIVE_MME_CAPACITY, r -> (int) r.constrained(0, 255)));
                    case ProcedureCode.INITIAL_CONTEXT_SETUP:
                        return new InitialContextSetupResponse(ies.required(IeId.MME_UE_S1AP_ID, S1apCodec::readMmeId),
                                ies.required(IeId.ENB_UE_S1AP_ID, S1apCodec::readEnbId),
                                ies.required(IeId.E_RAB_SETUP_LIST_CTXT_SU_RES,
                                        r -> readSingleContainerList(r, IeId.E_RAB_SETUP_ITEM_CTXT_SU_RES, S1apCodec::readErabSetup)));
                    case ProcedureCode.UE_CONTEXT_RELEASE:
                        return new UeContextReleaseComplete(ies.required(IeId.MME_UE_S1AP_ID, S1apCodec::readMmeId),
                                ies.required(IeId.ENB_UE_S1AP_ID, S1apCodec::readEnbId));
                    case ProcedureCode.RESET:
                        return new ResetAcknowledge(ies.optional(IeId.UE_ASSOCIATED_LOGICAL_S1_CONNECTION_LIST_RES_ACK,
                                r -> readSingleContainerList(r, IeId.UE_ASSOCIATED_LOGICAL_S1_CONNECTION_ITEM, S1apCodec::readConnection))
                                .orElse(List.of()));
                    default:
                        return new Unmodelled(pdu);
                }
            }
            case UNSUCCESSFUL_OUTCOME -> {
                switch (code) {
                    case ProcedureCode.S1_SETUP:
                        return new S1SetupFailure(ies.required(IeId.CAUSE, S1apCodec::readCause),
                                ies.optional(IeId.TIME_TO_WAIT, r -> r.enumerated(6, true))
                                        .map(OptionalInt::of).orElse(OptionalInt.empty()));
                    case ProcedureCode.INITIAL_CONTEXT_SETUP:
                        return new InitialContextSetupFailure(ies.required(IeId.MME_UE_S1AP_ID, S1apCodec::readMmeId),
                                ies.required(IeId.ENB_UE_S1AP_ID, S1apCodec::readEnbId),
                                ies.required(IeId.CAUSE, S1apCodec::readCause));
                    default:
                        return new Unmodelled(pdu);
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private static OptionalLong optionalLong(Optional<Long> v) {
        return v.map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    // ---------------------------------------------------------------------------- IE values

    /** Collects IEs in order; each value a finished {@link PerWriter}. */
    private static final class Ies {
        private final List<ProtocolIe> list = new ArrayList<>();

        void add(int id, Criticality c, PerWriter value) {
            list.add(new ProtocolIe(id, c, Octets.of(value.toByteArray())));
        }

        S1apPdu pdu(PduType type, int code, Criticality c) {
            return new S1apPdu(type, code, c, list);
        }
    }

    /** Decodes IE values of a generic PDU; each value must fill its open type exactly. */
    private static final class IeReader {
        private final S1apPdu pdu;

        IeReader(S1apPdu pdu) {
            this.pdu = pdu;
        }

        <T> T required(int id, Function<PerReader, T> reader) {
            return optional(id, reader).orElseThrow(
                    () -> new PerException("mandatory IE " + id + " missing"));
        }

        <T> Optional<T> optional(int id, Function<PerReader, T> reader) {
            Optional<ProtocolIe> ie = pdu.ie(id);
            if (ie.isEmpty()) {
                return Optional.empty();
            }
            try {
                PerReader r = new PerReader(ie.get().value().toByteArray());
                T v = reader.apply(r);
                r.align();
                if (r.remainingBits() != 0) {
                    throw new PerException((r.remainingBits() / 8) + " octets after the value");
                }
                return Optional.of(v);
            } catch (PerException | IllegalArgumentException e) {
                throw new PerException("IE " + id + ": " + e.getMessage());
            }
        }
    }

    private static PerWriter mmeId(long id) {
        return new PerWriter().constrained(id, 0, S1apIes.MAX_MME_UE_S1AP_ID);
    }

    private static PerWriter enbId(long id) {
        return new PerWriter().constrained(id, 0, S1apIes.MAX_ENB_UE_S1AP_ID);
    }

    private static long readMmeId(PerReader r) {
        return r.constrained(0, S1apIes.MAX_MME_UE_S1AP_ID);
    }

    private static long readEnbId(PerReader r) {
        return r.constrained(0, S1apIes.MAX_ENB_UE_S1AP_ID);
    }

    private static void plmn(PerWriter w, PlmnId plmn) {
        w.fixedOctetString(plmn.toOctets(), 3); // §9.2.3.8 PLMN Identity: OCTET STRING (SIZE(3))
    }

    private static PlmnId readPlmn(PerReader r) {
        return PlmnId.fromOctets(r.fixedOctetString(3));
    }

    private static byte[] tac(int tac) {
        return new byte[] {(byte) (tac >>> 8), (byte) tac};
    }

    private static int readTac(PerReader r) {
        byte[] t = r.fixedOctetString(2); // §9.2.3.7 TAC: OCTET STRING (SIZE(2)), not aligned
        return ((t[0] & 0xff) << 8) | (t[1] & 0xff);
    }

    /** §9.2.1.37 Global-ENB-ID ::= SEQUENCE { pLMNidentity, eNB-ID, iE-Extensions OPTIONAL, ... }. */
    private static PerWriter globalEnbId(GlobalEnbId g) {
        PerWriter w = new PerWriter().bit(false).bit(false);
        plmn(w, g.plmn());
        // ENB-ID ::= CHOICE { macroENB-ID BIT STRING (SIZE(20)), homeENB-ID BIT STRING (SIZE(28)), ... }
        w.bit(false).constrained(g.home() ? 1 : 0, 0, 1);
        int bits = g.home() ? 28 : 20;
        return w.fixedBitString(leftAligned(g.enbId(), bits), bits);
    }

    private static byte[] leftAligned(long value, int bits) {
        byte[] out = new byte[(bits + 7) / 8];
        long v = value << (8 * out.length - bits);
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }

    private static long fromLeftAligned(byte[] data, int bits) {
        long v = 0;
        for (byte b : data) {
            v = (v << 8) | (b & 0xff);
        }
        return v >>> (8 * data.length - bits);
    }

    private static GlobalEnbId readGlobalEnbId(PerReader r) {
        boolean ext = r.bit();
        boolean opt = r.bit();
        PlmnId plmn = readPlmn(r);
        if (r.bit()) {
            throw new PerException("ENB-ID extension alternative (short/long macro eNB) not supported");
        }
        boolean home = r.constrained(0, 1) == 1;
        int bits = home ? 28 : 20;
        int id = (int) fromLeftAligned(r.fixedBitString(bits), bits);
        skipSequenceTail(r, ext, opt);
        return new GlobalEnbId(plmn, id, home);
    }

    /** §9.1.8.4 SupportedTAs ::= SEQUENCE (SIZE(1..maxnoofTACs)) OF SupportedTAs-Item. */
    private static PerWriter supportedTas(List<SupportedTa> tas) {
        PerWriter w = new PerWriter().constrained(tas.size(), 1, 256);
        for (SupportedTa ta : tas) {
            w.bit(false).bit(false);
            w.fixedOctetString(tac(ta.tac()), 2);
            w.constrained(ta.broadcastPlmns().size(), 1, 6); // BPLMNs SIZE(1..maxnoofBPLMNs)
            for (PlmnId p : ta.broadcastPlmns()) {
                plmn(w, p);
            }
        }
        return w;
    }

    private static List<SupportedTa> readSupportedTas(PerReader r) {
        int n = (int) r.constrained(1, 256);
        List<SupportedTa> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean ext = r.bit();
            boolean opt = r.bit();
            int tac = readTac(r);
            int m = (int) r.constrained(1, 6);
            List<PlmnId> plmns = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                plmns.add(readPlmn(r));
            }
            skipSequenceTail(r, ext, opt);
            out.add(new SupportedTa(tac, plmns));
        }
        return out;
    }

    /** §9.2.3.9 ServedGUMMEIs ::= SEQUENCE (SIZE(1..maxnoofRATs)) OF ServedGUMMEIsItem. */
    private static PerWriter servedGummeis(List<ServedGummei> list) {
        PerWriter w = new PerWriter().constrained(list.size(), 1, 8);
        for (ServedGummei g : list) {
            w.bit(false).bit(false);
            w.constrained(g.plmns().size(), 1, 32);
            for (PlmnId p : g.plmns()) {
                plmn(w, p);
            }
            w.constrained(g.mmeGroupIds().size(), 1, 65535);
            for (int id : g.mmeGroupIds()) {
                w.fixedOctetString(new byte[] {(byte) (id >>> 8), (byte) id}, 2);
            }
            w.constrained(g.mmeCodes().size(), 1, 256);
            for (int c : g.mmeCodes()) {
                w.fixedOctetString(new byte[] {(byte) c}, 1);
            }
        }
        return w;
    }

    private static List<ServedGummei> readServedGummeis(PerReader r) {
        int n = (int) r.constrained(1, 8);
        List<ServedGummei> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean ext = r.bit();
            boolean opt = r.bit();
            int np = (int) r.constrained(1, 32);
            List<PlmnId> plmns = new ArrayList<>(np);
            for (int j = 0; j < np; j++) {
                plmns.add(readPlmn(r));
            }
            int ng = (int) r.constrained(1, 65535);
            List<Integer> groups = new ArrayList<>(Math.min(ng, 64));
            for (int j = 0; j < ng; j++) {
                byte[] g = r.fixedOctetString(2);
                groups.add(((g[0] & 0xff) << 8) | (g[1] & 0xff));
            }
            int nc = (int) r.constrained(1, 256);
            List<Integer> codes = new ArrayList<>(nc);
            for (int j = 0; j < nc; j++) {
                codes.add(r.fixedOctetString(1)[0] & 0xff);
            }
            skipSequenceTail(r, ext, opt);
            out.add(new ServedGummei(plmns, groups, codes));
        }
        return out;
    }

    /**
     * ENBname / MMEname ::= PrintableString (SIZE(1..150, ...)): X.691 §30 known-multiplier
     * string, 8 bits per character in ALIGNED PER, octet-aligned because 150 × 8 > 16 bits.
     */
    private static PerWriter printableString(String s) {
        byte[] chars = s.getBytes(StandardCharsets.US_ASCII);
        PerWriter w = new PerWriter();
        if (chars.length > 150 || chars.length < 1) {
            throw new IllegalArgumentException("name must be 1..150 characters");
        }
        w.bit(false).constrained(chars.length, 1, 150);
        return w.octets(chars);
    }

    private static String readPrintableString(PerReader r) {
        int n = r.bit() ? r.length() : (int) r.constrained(1, 150);
        return new String(r.octets(n), StandardCharsets.US_ASCII);
    }

    /** §9.2.3.16 TAI ::= SEQUENCE { pLMNidentity, tAC, iE-Extensions OPTIONAL, ... }. */
    private static PerWriter tai(Tai t) {
        PerWriter w = new PerWriter().bit(false).bit(false);
        plmn(w, t.plmn());
        return w.fixedOctetString(tac(t.tac()), 2);
    }

    private static Tai readTai(PerReader r) {
        boolean ext = r.bit();
        boolean opt = r.bit();
        Tai t = new Tai(readPlmn(r), readTac(r));
        skipSequenceTail(r, ext, opt);
        return t;
    }

    /** §9.2.1.38 EUTRAN-CGI ::= SEQUENCE { pLMNidentity, cell-ID BIT STRING (SIZE(28)), ... }. */
    private static PerWriter eutranCgi(EutranCgi c) {
        PerWriter w = new PerWriter().bit(false).bit(false);
        plmn(w, c.plmn());
        return w.fixedBitString(leftAligned(c.cellId(), 28), 28);
    }

    private static EutranCgi readEutranCgi(PerReader r) {
        boolean ext = r.bit();
        boolean opt = r.bit();
        EutranCgi c = new EutranCgi(readPlmn(r), (int) fromLeftAligned(r.fixedBitString(28), 28));
        skipSequenceTail(r, ext, opt);
        return c;
    }

    private static RrcEstablishmentCause readRrcCause(PerReader r) {
        int i = r.enumerated(RrcEstablishmentCause.ROOT, true);
        if (i >= RrcEstablishmentCause.values().length) {
            throw new PerException("RRC establishment cause extension value " + i + " unknown");
        }
        return RrcEstablishmentCause.values()[i];
    }

    /** §9.2.3.6 S-TMSI ::= SEQUENCE { mMEC OCTET STRING (SIZE(1)), m-TMSI OCTET STRING (SIZE(4)), ... }. */
    private static PerWriter sTmsi(STmsi s) {
        PerWriter w = new PerWriter().bit(false).bit(false);
        w.fixedOctetString(new byte[] {(byte) s.mmeCode()}, 1);
        return w.fixedOctetString(leftAligned(s.mTmsi(), 32), 4);
    }

    private static STmsi readSTmsi(PerReader r) {
        boolean ext = r.bit();
        boolean opt = r.bit();
        int mmec = r.fixedOctetString(1)[0] & 0xff;
        long tmsi = fromLeftAligned(r.fixedOctetString(4), 32);
        skipSequenceTail(r, ext, opt);
        return new STmsi(mmec, tmsi);
    }

    /** §9.2.1.3 Cause ::= CHOICE { radioNetwork, transport, nas, protocol, misc, ... }. */
    private static PerWriter cause(Cause c) {
        PerWriter w = new PerWriter().bit(false).constrained(c.group().ordinal(), 0, 4);
        return w.enumerated(c.value(), c.group().rootValues, true);
    }

    private static Cause readCause(PerReader r) {
        if (r.bit()) {
            throw new PerException("Cause extension alternative not supported");
        }
        int g = (int) r.constrained(0, 4);
        Cause.Group group = Cause.Group.values()[g];
        return new Cause(group, r.enumerated(group.rootValues, true));
    }

    private static void bitRate(PerWriter w, long v) {
        w.constrained(v, 0, S1apIes.MAX_BIT_RATE);
    }

    private static long readBitRate(PerReader r) {
        return r.constrained(0, S1apIes.MAX_BIT_RATE);
    }

    /**
     * §9.3.7 ProtocolIE-ContainerList / E-RAB-IE-ContainerList: SEQUENCE (SIZE(1..256)) OF
     * ProtocolIE-SingleContainer, each item a ProtocolIE-Field of its own.
     */
    private static <T> PerWriter singleContainerList(List<T> items, int itemId, Criticality c,
            Function<T, PerWriter> encoder) {
        PerWriter w = new PerWriter();
        writeSingleContainerList(w, items, itemId, c, encoder);
        return w;
    }

    private static <T> void writeSingleContainerList(PerWriter w, List<T> items, int itemId, Criticality c,
            Function<T, PerWriter> encoder) {
        w.constrained(items.size(), 1, MAX_ERABS);
        for (T item : items) {
            writeField(w, new ProtocolIe(itemId, c, Octets.of(encoder.apply(item).toByteArray())));
        }
    }

    private static <T> List<T> readSingleContainerList(PerReader r, int itemId, Function<PerReader, T> decoder) {
        int n = (int) r.constrained(1, MAX_ERABS);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ProtocolIe ie = readField(r);
            if (ie.id() != itemId) {
                throw new PerException("list item " + i + " has IE id " + ie.id() + ", expected " + itemId);
            }
            PerReader item = new PerReader(ie.value().toByteArray());
            out.add(decoder.apply(item));
            item.align();
            if (item.remainingBits() != 0) {
                throw new PerException("list item " + i + ": octets after the value");
            }
        }
        return out;
    }

    /**
     * E-RABToBeSetupItemCtxtSUReq ::= SEQUENCE { e-RAB-ID, e-RABlevelQoSParameters,
     * transportLayerAddress, gTP-TEID, nAS-PDU OPTIONAL, iE-Extensions OPTIONAL, ... }.
     */
    private static PerWriter erabToBeSetup(ErabToBeSetup e) {
        PerWriter w = new PerWriter().bit(false).bit(e.nasPdu().isPresent()).bit(false);
        w.bit(false).constrained(e.erabId(), 0, 15); // E-RAB-ID ::= INTEGER (0..15, ...)
        // §9.2.1.15 E-RABLevelQoSParameters ::= SEQUENCE { qCI, allocationRetentionPriority,
        //   gbrQosInformation OPTIONAL, iE-Extensions OPTIONAL, ... }
        w.bit(false).bit(false).bit(false);
        w.constrained(e.qos().qci(), 0, 255);
        // §9.2.1.60 AllocationAndRetentionPriority ::= SEQUENCE { priorityLevel (0..15),
        //   pre-emptionCapability, pre-emptionVulnerability, iE-Extensions OPTIONAL, ... }
        w.bit(false).bit(false).constrained(e.qos().priorityLevel(), 0, 15);
        w.constrained(e.qos().mayTriggerPreemption() ? 1 : 0, 0, 1);
        w.constrained(e.qos().preemptable() ? 1 : 0, 0, 1);
        transportLayerAddress(w, e.transportLayerAddress());
        w.fixedOctetString(e.gtpTeid().toByteArray(), 4);
        e.nasPdu().ifPresent(n -> w.octetString(n.toByteArray()));
        return w;
    }

    private static ErabToBeSetup readErabToBeSetup(PerReader r) {
        boolean ext = r.bit();
        boolean hasNas = r.bit();
        boolean hasExt = r.bit();
        int erabId = readErabId(r);
        boolean qext = r.bit();
        boolean hasGbr = r.bit();
        boolean qopt = r.bit();
        int qci = (int) r.constrained(0, 255);
        boolean aext = r.bit();
        boolean aopt = r.bit();
        int priority = (int) r.constrained(0, 15);
        boolean capability = r.constrained(0, 1) == 1;
        boolean vulnerability = r.constrained(0, 1) == 1;
        skipSequenceTail(r, aext, aopt);
        if (hasGbr) { // §9.2.1.18 GBR-QosInformation: four bit rates (not modelled, skipped)
            boolean gext = r.bit();
            boolean gopt = r.bit();
            for (int i = 0; i < 4; i++) {
                readBitRate(r);
            }
            skipSequenceTail(r, gext, gopt);
        }
        skipSequenceTail(r, qext, qopt);
        TransportLayerAddress tla = readTransportLayerAddress(r);
        Octets teid = Octets.of(r.fixedOctetString(4));
        Optional<Octets> nas = hasNas ? Optional.of(Octets.of(r.octetString())) : Optional.empty();
        skipSequenceTail(r, ext, hasExt);
        return new ErabToBeSetup(erabId, new ErabQos(qci, priority, capability, vulnerability), tla, teid, nas);
    }

    /** E-RABSetupItemCtxtSURes ::= SEQUENCE { e-RAB-ID, transportLayerAddress, gTP-TEID, iE-Extensions OPTIONAL, ... }. */
    private static PerWriter erabSetup(ErabSetup e) {
        PerWriter w = new PerWriter().bit(false).bit(false);
        w.bit(false).constrained(e.erabId(), 0, 15);
        transportLayerAddress(w, e.transportLayerAddress());
        return w.fixedOctetString(e.gtpTeid().toByteArray(), 4);
    }

    private static ErabSetup readErabSetup(PerReader r) {
        boolean ext = r.bit();
        boolean opt = r.bit();
        int id = readErabId(r);
        TransportLayerAddress tla = readTransportLayerAddress(r);
        Octets teid = Octets.of(r.fixedOctetString(4));
        skipSequenceTail(r, ext, opt);
        return new ErabSetup(id, tla, teid);
    }

    private static int readErabId(PerReader r) {
        if (r.bit()) {
            throw new PerException("E-RAB-ID outside 0..15");
        }
        return (int) r.constrained(0, 15);
    }

    /** §9.2.2.1 TransportLayerAddress ::= BIT STRING (SIZE(1..160, ...)): X.691 §16.11, aligned content. */
    private static void transportLayerAddress(PerWriter w, TransportLayerAddress a) {
        w.bit(false).constrained(a.bits(), 1, 160);
        w.align();
        byte[] bytes = a.address().toByteArray();
        for (int i = 0; i < a.bits(); i++) {
            w.bit(((bytes[i >>> 3] >>> (7 - (i & 7))) & 1) != 0);
        }
    }

    private static TransportLayerAddress readTransportLayerAddress(PerReader r) {
        if (r.bit()) {
            throw new PerException("transport layer address longer than 160 bits");
        }
        int bits = (int) r.constrained(1, 160);
        r.align();
        byte[] out = new byte[(bits + 7) / 8];
        for (int i = 0; i < bits; i++) {
            if (r.bit()) {
                out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
            }
        }
        return new TransportLayerAddress(Octets.of(out), bits);
    }

    /** §9.2.1.40 UESecurityCapabilities: two BIT STRING (SIZE(16, ...)), then iE-Extensions OPTIONAL. */
    private static UeSecurityCapabilities readUeSecurityCapabilities(PerReader r) {
        boolean ext = r.bit();
        boolean opt = r.bit();
        int enc = readAlgorithmMask(r);
        int integ = readAlgorithmMask(r);
        skipSequenceTail(r, ext, opt);
        return new UeSecurityCapabilities(enc, integ);
    }

    private static int readAlgorithmMask(PerReader r) {
        if (r.bit()) {
            throw new PerException("algorithm bit string longer than 16 bits");
        }
        return (int) r.bits(16);
    }

    /** Returns {mme, enb} with enb = -1 when only the MME UE S1AP ID is given. */
    private static long[] readUeS1apIds(PerReader r) {
        if (r.bit()) {
            throw new PerException("UE-S1AP-IDs extension alternative not supported");
        }
        if (r.constrained(0, 1) == 0) {
            boolean ext = r.bit();
            boolean opt = r.bit();
            long[] v = {readMmeId(r), readEnbId(r)};
            skipSequenceTail(r, ext, opt);
            return v;
        }
        return new long[] {readMmeId(r), -1};
    }

    private static List<UeAssociatedConnection> readResetType(PerReader r) {
        if (r.bit()) {
            throw new PerException("ResetType extension alternative not supported");
        }
        if (r.constrained(0, 1) == 0) {
            r.enumerated(1, true);
            return List.of();
        }
        return readSingleContainerList(r, IeId.UE_ASSOCIATED_LOGICAL_S1_CONNECTION_ITEM, S1apCodec::readConnection);
    }

    /** UE-associatedLogicalS1-ConnectionItem ::= SEQUENCE { mME-UE-S1AP-ID OPTIONAL, eNB-UE-S1AP-ID OPTIONAL, iE-Extensions OPTIONAL, ... }. */
    private static PerWriter connection(UeAssociatedConnection c) {
        PerWriter w = new PerWriter().bit(false);
        w.bit(c.mmeUeS1apId().isPresent()).bit(c.enbUeS1apId().isPresent()).bit(false);
        c.mmeUeS1apId().ifPresent(id -> w.constrained(id, 0, S1apIes.MAX_MME_UE_S1AP_ID));
        c.enbUeS1apId().ifPresent(id -> w.constrained(id, 0, S1apIes.MAX_ENB_UE_S1AP_ID));
        return w;
    }

    private static UeAssociatedConnection readConnection(PerReader r) {
        boolean ext = r.bit();
        boolean hasMme = r.bit();
        boolean hasEnb = r.bit();
        boolean opt = r.bit();
        OptionalLong mme = hasMme ? OptionalLong.of(readMmeId(r)) : OptionalLong.empty();
        OptionalLong enb = hasEnb ? OptionalLong.of(readEnbId(r)) : OptionalLong.empty();
        skipSequenceTail(r, ext, opt);
        return new UeAssociatedConnection(mme, enb);
    }

    /**
     * Skips what may follow the root components of an extensible SEQUENCE: its iE-Extensions
     * (a ProtocolExtensionContainer, §9.3.7: SIZE(1..65535) OF { id, criticality, open type }) when
     * {@code hasIeExtensions}, then the extension additions when the extension bit was set
     * (X.691 §19.7-19.9: a normally small length, a presence bitmap, one open type per addition).
     * The simulator models none of these, but must step over them to stay total.
     */
    private static void skipSequenceTail(PerReader r, boolean extended, boolean hasIeExtensions) {
        if (hasIeExtensions) {
            int n = (int) r.constrained(1, 65535);
            for (int i = 0; i < n; i++) {
                r.constrained(0, 65535);
                criticality(r);
                r.openType();
            }
        }
        if (extended) {
            int n = 1 + (r.bit() ? r.length() - 1 : (int) r.bits(6));
            boolean[] present = new boolean[n];
            for (int i = 0; i < n; i++) {
                present[i] = r.bit();
            }
            for (boolean p : present) {
                if (p) {
                    r.openType();
                }
            }
        }
    }
}
