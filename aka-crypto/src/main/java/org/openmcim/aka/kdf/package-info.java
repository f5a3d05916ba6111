/**
 * Key derivation on top of the AKA functions.
 *
 * <ul>
 *   <li>{@link org.openmcim.aka.kdf.Kdf}: the TS 33.220 Annex B.2 KDF and the keys built on it:
 *       KASME (TS 33.401 A.2), KeNB (A.3), NH (A.4), NAS/RRC/UP algorithm keys (A.7), and CK'/IK'
 *       for EAP-AKA' (TS 33.402 A.2). One instance per thread; cheap to create.</li>
 *   <li>{@link org.openmcim.aka.kdf.PlmnId}: MCC/MNC text to the 3-octet serving network id and
 *       back.</li>
 *   <li>{@link org.openmcim.aka.kdf.EapKeyDerivation}: EAP-AKA keys (RFC 4187 §7, with
 *       {@link org.openmcim.aka.kdf.Fips186Prf}) and EAP-AKA' keys (RFC 5448 §3.3, PRF').
 *       Stateless.</li>
 * </ul>
 *
 * <p>Results are fresh arrays owned by the caller; records holding keys never print them.
 */
package org.openmcim.aka.kdf;
