/**
 * The Diameter dictionary as data: {@code avps.tsv} (code, vendor, name, data format, 'M' bit
 * rule, spec clause), {@code commands.tsv} (code, application, abbreviations, PXY, clause) and
 * {@code applications.tsv}, loaded by {@link org.openmcim.diameter.dictionary.Dictionary#standard()}
 * into an immutable instance that callers pass around.
 *
 * <p>Coverage: the RFC 6733 §4.5 base AVPs; the IETF AVPs that S6a and Gx reuse (RFC 4006
 * credit control, RFC 7155 NASREQ, RFC 5778 Service-Selection, RFC 4004/5447 MIP); S6a/S6d
 * TS 29.272 §7.3; SWx TS 29.273 §8.2.3 with the TS 29.229 Cx AVPs it uses; Gx TS 29.212 §5.3 with
 * the TS 29.214 / TS 29.061 AVPs it reuses. A test sends every AVP to tshark and checks that
 * Wireshark's own dictionary names each code the same way. Add rows, not code, to extend it.
 */
package org.openmcim.diameter.dictionary;
