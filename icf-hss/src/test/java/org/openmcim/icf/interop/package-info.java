/**
 * Interop proof for the ICF (issue #3, "Proof, in CI"): real, independent Diameter peers against
 * the in-process ICF, and the wire checked by Wireshark's dissector.
 *
 * <ul>
 * <li>{@link org.openmcim.icf.interop.FreeDiameterInteropTest}: freeDiameter 1.2.1 as a client
 *     peer — CER/CEA, DWR/DWA in both directions, DPR/DPA at shutdown; dumpcap + tshark.</li>
 * <li>{@link org.openmcim.icf.interop.JDiameterInteropTest}: jDiameter 1.7.1 sends S6a AIRs; the
 *     vectors are checked by aka-crypto's USIM.</li>
 * <li>{@link org.openmcim.icf.interop.NextEpcInteropTest}: the NextEPC 0.3.10 lab's MME opens S6a
 *     with the ICF and disconnects with DPR; dumpcap + tshark.</li>
 * <li>{@link org.openmcim.icf.interop.MalformedPeerTest}: a scripted raw peer with the byte-level
 *     inputs of {@code src/test/resources/interop/malformed/} while another peer keeps working.</li>
 * <li>{@link org.openmcim.icf.interop.LoopbackCaptureTest}: the capture check flags a malformed
 *     frame (so its silence elsewhere means something).</li>
 * </ul>
 *
 * <p>Tests that need an external tool are skipped (JUnit assumptions), not failed, without it.
 * Debian packages for all of them to run: tshark (dumpcap comes with wireshark-common),
 * freediameter (freediameterd + freediameter-extensions), openssl, iproute2, and for the lab
 * nextepc-mme nextepc-sgw nextepc-pgw gcc libc6-dev libsctp-dev make (scripts/install-deps.sh
 * and lab/lab.sh install them). Captures need root (or dumpcap's capabilities). Logs, captures and
 * tshark output of each run are kept under {@code icf-hss/target/interop/}.
 */
package org.openmcim.icf.interop;
