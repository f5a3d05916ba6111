package org.openmcim.diameter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import org.openmcim.diameter.dictionary.AvpDefinition;
import org.openmcim.diameter.dictionary.AvpType;
import org.openmcim.diameter.dictionary.CommandDefinition;
import org.openmcim.diameter.dictionary.Dictionary;

/**
 * Pure Diameter encoder and decoder: bytes in, {@link DecodeResult} out, and back. No I/O, no
 * shared state; one instance serves every connection.
 *
 * <p>Decoding is bounded and total: every read is preceded by a length check, every AVP advances by
 * at least 8 octets (so a zero AVP length cannot loop), Grouped AVPs nest at most
 * {@link Config#maxGroupedDepth()} levels, and every fault becomes an {@link InvalidMessage} with
 * the RFC 6733 §7.1 result code to answer with. Decoding copies the frame once; AVPs are windows
 * on that copy and their values are read lazily.
 */
public final class DiameterCodec {

    /**
     * Decoder settings.
     *
     * @param maxMessageSize       largest accepted message in octets (at most 2^24-1, RFC 6733 §3)
     * @param maxGroupedDepth      deepest accepted nesting of Grouped AVPs (top-level AVPs are depth 0)
     * @param checkMandatoryBit    report a known AVP whose 'M' bit contradicts the dictionary as 3009
     *                             DIAMETER_INVALID_AVP_BITS. Off by default: TS 29.272 §7.3.1 tells a
     *                             receiver that understands the AVP to ignore such an M bit.
     * @param checkProxiableBit    report a known command whose 'P' bit contradicts its CCF as 3008
     *                             DIAMETER_INVALID_HDR_BITS (RFC 6733 §7.1.3)
     */
    public record Config(int maxMessageSize, int maxGroupedDepth, boolean checkMandatoryBit, boolean checkProxiableBit) {
        /** 64 KiB: far above any S6a/SWx/Gx message this project sends or expects. */
        public static final int DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024;
        /** S6a Subscription-Data nests five deep; Failed-AVP may add one. */
        public static final int DEFAULT_MAX_GROUPED_DEPTH = 16;

        public Config {
            if (maxMessageSize < DiameterHeader.SIZE || maxMessageSize > DiameterHeader.MAX_LENGTH) {
                throw new IllegalArgumentException("maxMessageSize must lie in 20.." + DiameterHeader.MAX_LENGTH
                        + ", was " + maxMessageSize);
            }
            if (maxGroupedDepth < 1 || maxGroupedDepth > 64) {
                throw new IllegalArgumentException("maxGroupedDepth must lie in 1..64, was " + maxGroupedDepth);
            }
        }

        public static Config defaults() {
            return new Config(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_GROUPED_DEPTH, false, true);
        }

        public Config withMaxMessageSize(int v) {
            return new Config(v, maxGroupedDepth, checkMandatoryBit, checkProxiableBit);
        }

        public Config withMaxGroupedDepth(int v) {
            return new Config(maxMessageSize, v, checkMandatoryBit, checkProxiableBit);
        }

        public Config withCheckMandatoryBit(boolean v) {
            return new Config(maxMessageSize, maxGroupedDepth, v, checkProxiableBit);
        }

        public Config withCheckProxiableBit(boolean v) {
            return new Config(maxMessageSize, maxGroupedDepth, checkMandatoryBit, v);
        }
    }

    /** An AVP-level fault found while splitting AVPs. */
    record AvpError(int resultCode, String message, Avp failedAvp) {
    }

    private final Dictionary dictionary;
    private final Config config;

    public DiameterCodec(Dictionary dictionary, Config config) {
        this.dictionary = Objects.requireNonNull(dictionary, "dictionary");
        this.config = Objects.requireNonNull(config, "config");
    }

    public DiameterCodec(Dictionary dictionary) {
        this(dictionary, Config.defaults());
    }

    public Dictionary dictionary() {
        return dictionary;
    }

    public Config config() {
        return config;
    }

    // ------------------------------------------------------------------ decoding

    /** Decodes the readable bytes of {@code frame} (one whole message); indexes and refCnt are untouched. */
    public DecodeResult decode(ByteBuf frame) {
        if (frame.readableBytes() > config.maxMessageSize()) {
            return oversize(frame.readableBytes(), frame.readableBytes() >= DiameterHeader.SIZE
                    ? DiameterHeader.read(ByteBufUtil.getBytes(frame, frame.readerIndex(), DiameterHeader.SIZE), 0)
                    : null);
        }
        return decodeOwned(ByteBufUtil.getBytes(frame));
    }

    /** Decodes one whole message; {@code frame} is copied. */
    public DecodeResult decode(byte[] frame) {
        if (frame.length > config.maxMessageSize()) {
            return oversize(frame.length, frame.length >= DiameterHeader.SIZE ? DiameterHeader.read(frame, 0) : null);
        }
        return decodeOwned(frame.clone());
    }

    /** The error value for a message larger than {@link Config#maxMessageSize()}. */
    InvalidMessage oversize(long length, DiameterHeader header) {
        // Not a protocol fault but a local limit: RFC 6733 §7.1.5 DIAMETER_UNABLE_TO_COMPLY.
        return new InvalidMessage(ResultCode.DIAMETER_UNABLE_TO_COMPLY,
                "message of " + length + " octets exceeds the limit of " + config.maxMessageSize(),
                header, List.of(), null, false);
    }

    /** Decodes {@code b}, which nobody else holds or writes. */
    DecodeResult decodeOwned(byte[] b) {
        if (b.length < DiameterHeader.SIZE) {
            return new InvalidMessage(ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH,
                    "frame of " + b.length + " octets is shorter than the 20-octet header", null, List.of(), null, true);
        }
        DiameterHeader h = DiameterHeader.read(b, 0);
        // RFC 6733 §3: "This Version field MUST be set to 1"; §7.1.5 DIAMETER_UNSUPPORTED_VERSION.
        // A stream whose first octet is not 1 is not Diameter: the length cannot be trusted either.
        if (h.version() != DiameterHeader.VERSION) {
            return new InvalidMessage(ResultCode.DIAMETER_UNSUPPORTED_VERSION,
                    "unsupported Diameter version " + h.version(), h, List.of(), null, true);
        }
        // RFC 6733 §3: Message Length covers header and padded AVPs, "always a multiple of 4".
        if (h.length() != b.length || h.length() % 4 != 0) {
            return new InvalidMessage(ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH,
                    "Message Length " + h.length() + " in a frame of " + b.length + " octets"
                            + (h.length() % 4 != 0 ? " (not a multiple of 4)" : ""),
                    h, List.of(), null, false);
        }
        if (h.length() > config.maxMessageSize()) {
            return oversize(h.length(), h);
        }
        String headerFault = headerFault(h);
        List<Avp> avps = new ArrayList<>();
        List<Avp> unsupported = new ArrayList<>(0);
        AvpError err = parseAvps(b, DiameterHeader.SIZE, b.length, dictionary, config.maxGroupedDepth(), 0, avps,
                unsupported, config.checkMandatoryBit(), true);
        if (headerFault != null) {
            return new InvalidMessage(ResultCode.DIAMETER_INVALID_HDR_BITS, headerFault, h, avps, null, false);
        }
        if (err != null) {
            return new InvalidMessage(err.resultCode(), err.message(), h, avps, err.failedAvp(), false);
        }
        return new DiameterMessage(h, List.copyOf(avps), List.copyOf(unsupported));
    }

    /** RFC 6733 §3 / §7.1.3 DIAMETER_INVALID_HDR_BITS: flag combinations that cannot be. */
    private String headerFault(DiameterHeader h) {
        if (h.isRequest() && h.isError()) {
            return "'E' bit set in a request (RFC 6733 §3)";
        }
        if (!h.isRequest() && h.isRetransmit()) {
            return "'T' bit set in an answer (RFC 6733 §3)";
        }
        if (config.checkProxiableBit()) {
            CommandDefinition c = dictionary.command(h.commandCode(), h.applicationId());
            if (c != null && c.proxiable() != h.isProxiable()) {
                return "'P' bit " + (h.isProxiable() ? "set" : "clear") + " on " + c
                        + " whose CCF says " + (c.proxiable() ? "PXY" : "not proxiable") + " (" + c.clause() + ")";
            }
        }
        // RFC 6733 §3: reserved bits "MUST be set to zero and ignored by the receiver": ignored.
        return null;
    }

    /**
     * Splits the AVPs in {@code b[start, end)} into {@code out}. Returns null, or the first fault.
     * With a dictionary, known Grouped AVPs are split recursively and known fixed-size formats are
     * length-checked; unknown AVPs with the 'M' bit go to {@code unsupported}. Without
     * {@code checkFlags} only the structure (lengths) is checked.
     */
    static AvpError parseAvps(byte[] b, int start, int end, Dictionary dict, int maxDepth, int depth, List<Avp> out,
                              List<Avp> unsupported, boolean checkMandatoryBit, boolean checkFlags) {
        int p = start;
        while (p < end) {
            int left = end - p;
            // RFC 6733 §4.1: the AVP header is 8 octets, 12 with the 'V' bit.
            if (left < Avp.HEADER_SIZE) {
                return new AvpError(ResultCode.DIAMETER_INVALID_AVP_LENGTH,
                        "truncated AVP header: " + left + " octets left", truncatedHeader(b, p, left));
            }
            int code = Bytes.i32(b, p);
            int flags = b[p + 4] & 0xFF;
            int length = Bytes.u24(b, p + 5);
            boolean v = (flags & Avp.FLAG_VENDOR) != 0;
            int headerLength = v ? Avp.HEADER_SIZE_VENDOR : Avp.HEADER_SIZE;
            if (v && left < Avp.HEADER_SIZE_VENDOR) {
                return new AvpError(ResultCode.DIAMETER_INVALID_AVP_LENGTH,
                        "truncated vendor AVP header: " + left + " octets left", truncatedHeader(b, p, left));
            }
            int vendorId = v ? Bytes.i32(b, p + 8) : 0;
            AvpDefinition def = dict == null ? null : dict.avp(code, vendorId);
            // RFC 6733 §4.1 AVP Length: "If a message is received with an invalid attribute length,
            // the message MUST be rejected"; §7.1.5: below the header size or beyond the message,
            // Failed-AVP carries the header and a zero-filled payload of the format's minimum size.
            if (length < headerLength) {
                return new AvpError(ResultCode.DIAMETER_INVALID_AVP_LENGTH,
                        "AVP " + Integer.toUnsignedString(code) + " length " + length + " is below its header size "
                                + headerLength, zeroFilled(code, flags, vendorId, def));
            }
            if (length > left) {
                return new AvpError(ResultCode.DIAMETER_INVALID_AVP_LENGTH,
                        "AVP " + Integer.toUnsignedString(code) + " length " + length + " runs past the "
                                + (depth == 0 ? "message" : "enclosing Grouped AVP") + " (" + left + " octets left)",
                        zeroFilled(code, flags, vendorId, def));
            }
            int dataOff = p + headerLength;
            int dataLen = length - headerLength;
            Avp raw = new Avp(code, flags, vendorId, b, dataOff, dataLen, null, def);
            // RFC 6733 §4.1: "an unrecognized bit SHOULD be considered an error"; §7.1.3 3009.
            if (checkFlags && (flags & Avp.FLAGS_RESERVED) != 0) {
                return new AvpError(ResultCode.DIAMETER_INVALID_AVP_BITS,
                        String.format("reserved AVP flag bits 0x%02x set on AVP %s", flags & Avp.FLAGS_RESERVED,
                                Integer.toUnsignedString(code)), raw);
            }
            // RFC 6733 §4.1.1: "implementations MUST NOT use the value of zero (0) for the Vendor-ID field".
            if (checkFlags && v && vendorId == 0) {
                return new AvpError(ResultCode.DIAMETER_INVALID_AVP_BITS,
                        "'V' bit set with Vendor-ID 0 on AVP " + Integer.toUnsignedString(code), raw);
            }
            Avp avp = raw;
            if (def != null) {
                if (checkMandatoryBit && !def.mandatory().allows(raw.isMandatory())) {
                    return new AvpError(ResultCode.DIAMETER_INVALID_AVP_BITS, def.name() + " has the 'M' bit "
                            + (raw.isMandatory() ? "set" : "clear") + " against " + def.clause(), raw);
                }
                AvpType type = def.type();
                if (type.fixedLength() >= 0 && dataLen != type.fixedLength()) {
                    return new AvpError(ResultCode.DIAMETER_INVALID_AVP_LENGTH, def.name() + " (" + type.specName()
                            + ") has " + dataLen + " data octets, needs " + type.fixedLength(), raw);
                }
                if (type == AvpType.ADDRESS && (dataLen < 2
                        || !Avp.addressLengthFits((b[dataOff] & 0xFF) << 8 | (b[dataOff + 1] & 0xFF), dataLen))) {
                    return new AvpError(ResultCode.DIAMETER_INVALID_AVP_LENGTH,
                            def.name() + " has " + dataLen + " data octets, not an Address of its family", raw);
                }
                // RFC 6733 §7.5: Failed-AVP carries offending AVPs as they were received: not
                // validated here; Avp.grouped() splits it leniently on demand.
                if (type == AvpType.GROUPED && !(code == BaseAvpCode.FAILED_AVP && vendorId == 0)) {
                    if (depth + 1 > maxDepth) {
                        // A local bound, not a protocol rule: RFC 6733 §7.1.5 DIAMETER_UNABLE_TO_COMPLY.
                        return new AvpError(ResultCode.DIAMETER_UNABLE_TO_COMPLY,
                                "Grouped AVPs nested deeper than " + maxDepth + " at " + def.name(),
                                new Avp(code, flags, vendorId, b, dataOff, 0, null, def));
                    }
                    List<Avp> kids = new ArrayList<>();
                    AvpError inner = parseAvps(b, dataOff, dataOff + dataLen, dict, maxDepth, depth + 1, kids,
                            unsupported, checkMandatoryBit, checkFlags);
                    if (inner != null) {
                        return inner;
                    }
                    avp = new Avp(code, flags, vendorId, b, dataOff, dataLen, List.copyOf(kids), def);
                }
            } else if (raw.isMandatory() && unsupported != null) {
                unsupported.add(raw); // RFC 6733 §4.1: the handler answers 5001 DIAMETER_AVP_UNSUPPORTED
            }
            out.add(avp);
            // RFC 6733 §4: padding is not counted in the AVP Length; the next AVP starts on a 32-bit
            // boundary. length >= 8, so every turn advances. A Grouped AVP whose own length leaves
            // out its last child's padding ends the list here.
            p = Math.min(end, p + Bytes.pad4(length));
        }
        return null;
    }

    /** RFC 6733 §7.1.5: an incomplete AVP header padded with zeros up to the minimum header size. */
    private static Avp truncatedHeader(byte[] b, int p, int left) {
        byte[] h = new byte[Avp.HEADER_SIZE_VENDOR];
        System.arraycopy(b, p, h, 0, Math.min(left, h.length));
        int flags = h[4] & 0xFF;
        int vendorId = (flags & Avp.FLAG_VENDOR) != 0 ? Bytes.i32(h, 8) : 0;
        return new Avp(Bytes.i32(h, 0), vendorId != 0 ? flags : flags & ~Avp.FLAG_VENDOR, vendorId, new byte[0], 0, 0,
                null, null);
    }

    /** RFC 6733 §7.1.5: the AVP header with a zero-filled payload of the format's minimum size. */
    private static Avp zeroFilled(int code, int flags, int vendorId, AvpDefinition def) {
        int n = def == null ? 0 : def.type().minimumLength();
        int f = vendorId != 0 ? flags : flags & ~Avp.FLAG_VENDOR;
        return new Avp(code, f, vendorId, new byte[n], 0, n, null, def);
    }

    // ------------------------------------------------------------------ encoding

    /** The wire form of {@code message}. */
    public byte[] encode(DiameterMessage message) {
        byte[] out = new byte[message.length()];
        message.writeTo(out, 0);
        return out;
    }

    /**
     * Writes the wire form of {@code message} at {@code offset} of {@code out}, which has
     * {@code message.length()} octets free there; returns the offset after it. No intermediate array.
     */
    public int encode(DiameterMessage message, byte[] out, int offset) {
        int n = message.length();
        java.util.Objects.checkFromIndexSize(offset, n, out.length);
        message.writeTo(out, offset);
        return offset + n;
    }

    /** Appends the wire form of {@code message} to {@code out}. */
    public void encode(DiameterMessage message, ByteBuf out) {
        int n = message.length();
        out.ensureWritable(n);
        if (out.hasArray()) {
            message.writeTo(out.array(), out.arrayOffset() + out.writerIndex());
            out.writerIndex(out.writerIndex() + n);
        } else {
            out.writeBytes(encode(message));
        }
    }
}
