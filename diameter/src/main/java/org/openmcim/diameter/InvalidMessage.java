package org.openmcim.diameter;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A frame that is not an acceptable Diameter message, with what RFC 6733 §7 says to answer.
 *
 * @param resultCode       the Result-Code to answer with (RFC 6733 §7.1), e.g. 5014
 * @param errorMessage     a human-readable reason, for Error-Message (RFC 6733 §7.3) and logs
 * @param header           the message header, or null if fewer than 20 octets arrived
 * @param avpsBeforeError  top-level AVPs decoded before the fault (Session-Id, Proxy-Info for the answer)
 * @param failedAvp        the offending AVP for Failed-AVP (RFC 6733 §7.5), or null
 * @param closeConnection  true when the byte stream cannot be resynchronised: answer if possible,
 *                         then close this connection
 */
public record InvalidMessage(int resultCode, String errorMessage, DiameterHeader header, List<Avp> avpsBeforeError,
                             Avp failedAvp, boolean closeConnection) implements DecodeResult {

    public InvalidMessage {
        Objects.requireNonNull(errorMessage, "errorMessage");
        avpsBeforeError = List.copyOf(avpsBeforeError);
    }

    /**
     * Whether an answer can be sent: RFC 6733 §7.2 answers requests only, and the header must be
     * known for the identifiers.
     */
    public boolean answerable() {
        return header != null && header.isRequest();
    }

    /**
     * An error answer to the faulty request (RFC 6733 §6.2, §7.2): same command, application,
     * hop-by-hop and end-to-end ids, Session-Id and Proxy-Info copied when they were readable, the
     * 'E' bit for protocol errors (3xxx), Result-Code, Error-Message and Failed-AVP. The caller adds
     * its Origin-Host and Origin-Realm and builds it.
     *
     * @throws IllegalStateException if not {@link #answerable()}
     */
    public DiameterMessage.Builder errorAnswer() {
        if (!answerable()) {
            throw new IllegalStateException("no request header to answer: " + this);
        }
        DiameterMessage.Builder b = DiameterMessage.answer(header, avpsBeforeError)
                .error(ResultCode.isProtocolError(resultCode));
        byte[] rc = new byte[4];
        Bytes.put32(rc, 0, resultCode);
        b.add(Avp.of(BaseAvpCode.RESULT_CODE, 0, Avp.FLAG_MANDATORY, rc));
        b.add(Avp.of(BaseAvpCode.ERROR_MESSAGE, 0, 0, errorMessage.getBytes(StandardCharsets.UTF_8)));
        if (failedAvp != null) {
            byte[] inner = new byte[failedAvp.paddedLength()];
            failedAvp.writeTo(inner, 0);
            b.add(new Avp(BaseAvpCode.FAILED_AVP, Avp.FLAG_MANDATORY, 0, inner, 0, inner.length,
                    List.of(failedAvp), null));
        }
        return b;
    }
}
