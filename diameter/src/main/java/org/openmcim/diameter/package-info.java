/**
 * Diameter base protocol (RFC 6733) for OpenMCIM: message model, pure codec, and the pieces the
 * ICF/HSS server (S6a TS 29.272, SWx TS 29.273, Gx TS 29.212) and the load-test client share.
 *
 * <h2>What is here</h2>
 * <ul>
 * <li>{@link org.openmcim.diameter.DiameterMessage}, {@link org.openmcim.diameter.DiameterHeader},
 *     {@link org.openmcim.diameter.Avp}: immutable. Build requests with
 *     {@code DiameterMessage.request(code, app)}, answers with {@code DiameterMessage.answerTo(req)}
 *     (copies hop-by-hop, end-to-end, 'P', Session-Id first and Proxy-Info in order, RFC 6733 §6.2).
 *     AVPs come from typed factories that take their flags from the dictionary
 *     ({@code Avp.unsigned32(dict.avp("Result-Code"), 2001)}), and are read back with typed
 *     accessors ({@code unsigned32()}, {@code utf8String()}, {@code address()}, {@code time()},
 *     {@code grouped()}, ...) that throw {@link org.openmcim.diameter.AvpFormatException} carrying
 *     5014/5004 when the data does not fit.</li>
 * <li>{@link org.openmcim.diameter.DiameterCodec}: bytes to a
 *     {@link org.openmcim.diameter.DecodeResult} — either a {@code DiameterMessage} or an
 *     {@link org.openmcim.diameter.InvalidMessage} with the RFC 6733 §7.1 result code, the
 *     offending AVP for Failed-AVP and whether the connection must close; and messages back to
 *     bytes. Never throws on bad input; bounded by {@link org.openmcim.diameter.DiameterCodec.Config}
 *     (message size, Grouped depth).</li>
 * <li>Result codes ({@link org.openmcim.diameter.ResultCode} for Result-Code,
 *     {@link org.openmcim.diameter.ExperimentalResultCode} for 3GPP Experimental-Result-Code),
 *     {@link org.openmcim.diameter.CommandCode}, {@link org.openmcim.diameter.ApplicationId},
 *     {@link org.openmcim.diameter.VendorId}.</li>
 * <li>{@link org.openmcim.diameter.dictionary}: AVP, command and application definitions as data
 *     with their spec clauses; {@link org.openmcim.diameter.netty}: framing and pipeline handlers.</li>
 * </ul>
 *
 * <h2>Who answers what</h2>
 * The codec finds faults of form; handlers decide. An {@code InvalidMessage} that is
 * {@code answerable()} is answered with {@code errorAnswer()} plus the local Origin-Host and
 * Origin-Realm ('E' bit for 3xxx, RFC 6733 §7.2); answers that fail to decode are logged and
 * dropped. Unknown AVPs with the 'M' bit are decoded and listed in
 * {@code DiameterMessage.unsupportedMandatoryAvps()}: the handler answers 5001
 * DIAMETER_AVP_UNSUPPORTED with them in Failed-AVP (RFC 6733 §4.1, §7.1.5). Missing AVPs (5005),
 * occurrence rules (5009), unknown peers (3010), loops (3005) are the handlers' and the peer state
 * machine's business.
 *
 * <h2>Choices worth knowing</h2>
 * <ul>
 * <li>Reserved command-flag bits are ignored (RFC 6733 §3: "ignored by the receiver"); reserved
 *     AVP-flag bits are 3009 (§4.1: "SHOULD be considered an error").</li>
 * <li>'E' in a request and 'T' in an answer are 3008; so is a 'P' bit that contradicts a known
 *     command's CCF (configurable).</li>
 * <li>An 'M' bit that contradicts the dictionary is ignored by default (TS 29.272 §7.3.1 note);
 *     {@code Config.withCheckMandatoryBit(true)} makes it 3009.</li>
 * <li>Version other than 1 is 5011 and closes the connection (the length cannot be trusted);
 *     Message Length not a multiple of 4 or not matching the frame is 5015; beyond the local limit
 *     is 5012 with the connection kept (the frame is skipped exactly).</li>
 * <li>Failed-AVP's content is kept as received, never validated (RFC 6733 §7.5).</li>
 * <li>One copy per decoded message; AVPs are windows on it and decode their values on access.
 *     {@code Avp.toString()} never prints data (AVPs carry KASME, CK, IK).</li>
 * </ul>
 *
 * <h2>Wiring</h2>
 * <pre>{@code
 * Dictionary dict = Dictionary.standard();               // once, at start-up; no global instance
 * DiameterCodec codec = new DiameterCodec(dict);         // shared by all connections
 * DiameterPipeline.addCodec(channel.pipeline(), codec);  // frame decoder, decoder, encoder
 * channel.pipeline().addLast(myHandler);                 // receives DiameterMessage / InvalidMessage
 * }</pre>
 */
package org.openmcim.diameter;
