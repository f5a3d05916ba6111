package org.openmcim.diameter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.openmcim.diameter.dictionary.AvpDefinition;

/**
 * An immutable Diameter message (RFC 6733 §3): header and top-level AVPs.
 *
 * <p>Build one with {@link #request(int, int)} or {@link #answerTo(DiameterMessage)}; decode one
 * with {@link DiameterCodec}. A decoded message also lists the AVPs that carry the 'M' bit but that
 * the dictionary does not know ({@link #unsupportedMandatoryAvps()}): RFC 6733 §4.1 makes the
 * receiver answer those with 5001 DIAMETER_AVP_UNSUPPORTED, which is the handler's call.
 */
public final class DiameterMessage implements DecodeResult {
    private final DiameterHeader header;
    private final List<Avp> avps;
    private final List<Avp> unsupportedMandatory;

    DiameterMessage(DiameterHeader header, List<Avp> avps, List<Avp> unsupportedMandatory) {
        this.header = header;
        this.avps = avps;
        this.unsupportedMandatory = unsupportedMandatory;
    }

    /**
     * The same message under another hop-by-hop identifier: an answer re-sent for a retransmitted
     * request (RFC 6733 §6.1.3), or a request a relay forwards on its next hop (§6.1.9).
     */
    public DiameterMessage withHopByHop(int hopByHop) {
        DiameterHeader h = new DiameterHeader(header.version(), header.length(), header.flags(), header.commandCode(),
                header.applicationId(), hopByHop, header.endToEnd());
        return new DiameterMessage(h, avps, unsupportedMandatory);
    }

    /** A builder for a request: 'R' set, identifiers 0 until set. */
    public static Builder request(int commandCode, int applicationId) {
        return new Builder(true, commandCode, applicationId);
    }

    /**
     * A builder for the answer to {@code request} (RFC 6733 §6.2): same command code, application
     * id, hop-by-hop and end-to-end identifiers, 'P' bit copied, 'R' cleared; the request's
     * Session-Id goes first and its Proxy-Info AVPs last, in their order.
     */
    public static Builder answerTo(DiameterMessage request) {
        if (!request.isRequest()) {
            throw new IllegalArgumentException("not a request: " + request.header);
        }
        return answer(request.header, request.avps);
    }

    static Builder answer(DiameterHeader req, List<Avp> reqAvps) {
        Builder b = new Builder(false, req.commandCode(), req.applicationId());
        b.proxiable(req.isProxiable()).hopByHop(req.hopByHop()).endToEnd(req.endToEnd());
        for (Avp a : reqAvps) {
            if (a.vendorId() != 0) {
                continue;
            }
            if (a.code() == BaseAvpCode.SESSION_ID && b.head.isEmpty()) {
                b.head.add(a); // RFC 6733 §6.2 item 3; §8.8: Session-Id SHOULD be first
            } else if (a.code() == BaseAvpCode.PROXY_INFO) {
                b.tail.add(a); // RFC 6733 §6.2 item 4, same order
            }
        }
        return b;
    }

    public DiameterHeader header() {
        return header;
    }

    /** Message length in octets, header and padding included. */
    public int length() {
        return header.length();
    }

    public int commandCode() {
        return header.commandCode();
    }

    public int applicationId() {
        return header.applicationId();
    }

    public int hopByHop() {
        return header.hopByHop();
    }

    public int endToEnd() {
        return header.endToEnd();
    }

    public boolean isRequest() {
        return header.isRequest();
    }

    public boolean isProxiable() {
        return header.isProxiable();
    }

    public boolean isError() {
        return header.isError();
    }

    public boolean isRetransmit() {
        return header.isRetransmit();
    }

    /** Top-level AVPs in message order. */
    public List<Avp> avps() {
        return avps;
    }

    /** The first top-level AVP {@code code} of {@code vendorId}, or null. */
    public Avp first(int code, int vendorId) {
        for (Avp a : avps) {
            if (a.code() == code && a.vendorId() == vendorId) {
                return a;
            }
        }
        return null;
    }

    /** The first top-level AVP {@code d}, or null. */
    public Avp first(AvpDefinition d) {
        return first(d.code(), d.vendorId());
    }

    /** Every top-level AVP {@code d}, in order. */
    public List<Avp> all(AvpDefinition d) {
        List<Avp> out = new ArrayList<>(2);
        for (Avp a : avps) {
            if (a.is(d)) {
                out.add(a);
            }
        }
        return out;
    }

    /** Session-Id (RFC 6733 §8.8), or null. */
    public String sessionId() {
        Avp a = first(BaseAvpCode.SESSION_ID, 0);
        return a == null ? null : a.utf8String();
    }

    /** Origin-Host (RFC 6733 §6.3), or null. */
    public String originHost() {
        Avp a = first(BaseAvpCode.ORIGIN_HOST, 0);
        return a == null ? null : a.diameterIdentity();
    }

    /** Origin-Realm (RFC 6733 §6.4), or null. */
    public String originRealm() {
        Avp a = first(BaseAvpCode.ORIGIN_REALM, 0);
        return a == null ? null : a.diameterIdentity();
    }

    /** Result-Code (RFC 6733 §7.1), or -1 if absent. */
    public long resultCode() {
        Avp a = first(BaseAvpCode.RESULT_CODE, 0);
        return a == null ? -1 : a.unsigned32();
    }

    /**
     * AVPs with the 'M' bit that the decoding dictionary does not know, at any depth inside known
     * Grouped AVPs (RFC 6733 §4.1, §7.1.5 DIAMETER_AVP_UNSUPPORTED). Empty for built messages.
     */
    public List<Avp> unsupportedMandatoryAvps() {
        return unsupportedMandatory;
    }

    /** Writes the message at {@code p} of {@code out}, which has {@link #length()} octets free. */
    void writeTo(byte[] out, int p) {
        out[p] = (byte) header.version();
        Bytes.put24(out, p + 1, header.length());
        Bytes.put32(out, p + 4, header.commandCode());
        out[p + 4] = (byte) header.flags();
        Bytes.put32(out, p + 8, header.applicationId());
        Bytes.put32(out, p + 12, header.hopByHop());
        Bytes.put32(out, p + 16, header.endToEnd());
        int q = p + DiameterHeader.SIZE;
        for (Avp a : avps) {
            q = a.writeTo(out, q);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiameterMessage m && m.header.equals(header) && m.avps.equals(avps);
    }

    @Override
    public int hashCode() {
        return header.hashCode() * 31 + avps.hashCode();
    }

    @Override
    public String toString() {
        return "DiameterMessage[" + header + ", " + avps + "]";
    }

    /** Builds a {@link DiameterMessage}; not thread-safe. */
    public static final class Builder {
        private final boolean request;
        private final int commandCode;
        private final int applicationId;
        private boolean proxiable;
        private boolean error;
        private boolean retransmit;
        private int hopByHop;
        private int endToEnd;
        private final List<Avp> head = new ArrayList<>(1);
        private final List<Avp> body = new ArrayList<>();
        private final List<Avp> tail = new ArrayList<>(0);

        private Builder(boolean request, int commandCode, int applicationId) {
            if (commandCode < 0 || commandCode > 0xFF_FFFF) {
                throw new IllegalArgumentException("command code does not fit 24 bits: " + commandCode);
            }
            this.request = request;
            this.commandCode = commandCode;
            this.applicationId = applicationId;
        }

        /** RFC 6733 §3 'P' bit. */
        public Builder proxiable(boolean v) {
            this.proxiable = v;
            return this;
        }

        /** RFC 6733 §3 'E' bit; "MUST NOT be set in request messages". */
        public Builder error(boolean v) {
            this.error = v;
            return this;
        }

        /** RFC 6733 §3 'T' bit; "MUST NOT be set in answer messages". */
        public Builder retransmit(boolean v) {
            this.retransmit = v;
            return this;
        }

        public Builder hopByHop(int v) {
            this.hopByHop = v;
            return this;
        }

        public Builder endToEnd(int v) {
            this.endToEnd = v;
            return this;
        }

        public Builder add(Avp avp) {
            body.add(Objects.requireNonNull(avp, "avp"));
            return this;
        }

        public Builder add(Avp... avps) {
            for (Avp a : avps) {
                add(a);
            }
            return this;
        }

        public Builder addAll(Collection<Avp> avps) {
            for (Avp a : avps) {
                add(a);
            }
            return this;
        }

        /**
         * Adds Session-Id (RFC 6733 §8.8) as the first AVP; an answer already carries the
         * request's.
         */
        public Builder sessionId(String sessionId) {
            head.clear();
            head.add(Avp.of(BaseAvpCode.SESSION_ID, 0, Avp.FLAG_MANDATORY, sessionId.getBytes(StandardCharsets.UTF_8)));
            return this;
        }

        public DiameterMessage build() {
            if (request && error) {
                throw new IllegalStateException("RFC 6733 §3: the 'E' bit MUST NOT be set in requests");
            }
            if (!request && retransmit) {
                throw new IllegalStateException("RFC 6733 §3: the 'T' bit MUST NOT be set in answers");
            }
            List<Avp> all = new ArrayList<>(head.size() + body.size() + tail.size());
            all.addAll(head);
            all.addAll(body);
            all.addAll(tail);
            long length = DiameterHeader.SIZE;
            for (Avp a : all) {
                length += a.paddedLength();
            }
            if (length > DiameterHeader.MAX_LENGTH) {
                throw new IllegalStateException("message of " + length + " octets exceeds the 24-bit length field");
            }
            int flags = (request ? DiameterHeader.FLAG_REQUEST : 0) | (proxiable ? DiameterHeader.FLAG_PROXIABLE : 0)
                    | (error ? DiameterHeader.FLAG_ERROR : 0) | (retransmit ? DiameterHeader.FLAG_RETRANSMIT : 0);
            DiameterHeader h = new DiameterHeader(DiameterHeader.VERSION, (int) length, flags, commandCode,
                    applicationId, hopByHop, endToEnd);
            return new DiameterMessage(h, List.copyOf(all), List.of());
        }
    }
}
