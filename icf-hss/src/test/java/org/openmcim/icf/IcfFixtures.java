package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.openmcim.diameter.Avp;
import org.openmcim.diameter.BaseAvpCode;
import org.openmcim.diameter.DiameterMessage;

/**
 * ICF configurations the tests of several modules start real ICFs from, and what they read from
 * its answers (through the icf-hss test jar), so that each is kept in one place.
 */
public final class IcfFixtures {
    private IcfFixtures() {
    }

    /** An RO's ICF: hss.localdomain serving S6a on {@code port}, peer mme.localdomain, PCIDs of 00101. */
    public static String icfYaml(int port) {
        return """
                mode: icf
                identities:
                  - host: hss.localdomain
                    realm: localdomain
                    listen: 127.0.0.1:%d
                    applications: [s6a]
                peers:
                  - host: mme.localdomain
                    realm: localdomain
                imsi-ranges: ["00101"]
                sqn:
                  ind-bits: 5
                  ind: {mme.localdomain: 3}
                subscription-profile:
                  apn: provisioning
                  pdn-type: ipv4
                  qci: 9
                  arp: {priority: 8, preemption-capability: false, preemption-vulnerability: true}
                  ambr: {uplink: 1000000, downlink: 1000000}
                limits: {max-in-flight: 100, worker-threads: 2, max-vectors-per-request: 5}
                """.formatted(port);
    }

    /**
     * An {@code admin:} section on {@code port}: the development PKI's icf certificate under
     * {@code pkiDir} (relative to the configuration file), administrators ro-admin, the DRF a reissuer.
     */
    public static String adminYaml(int port, String pkiDir) {
        return """
                admin:
                  listen: 127.0.0.1:%d
                  tls: {certificate: %2$s/icf.crt, key: %2$s/icf.key}
                  roots: [%2$s/ro-root.crt]
                  names: [ro-admin]
                  reissuers: [drf]
                """.formatted(port, pkiDir);
    }

    /** The Experimental-Result-Code of an answer (TS 29.272 §7.4.3: 5001, 5420, 4181, ...); fails the test if there is none. */
    public static long experimentalCode(DiameterMessage m) {
        Avp er = m.first(BaseAvpCode.EXPERIMENTAL_RESULT, 0);
        assertNotNull(er, "no Experimental-Result in " + m);
        for (Avp c : er.grouped()) {
            if (c.code() == BaseAvpCode.EXPERIMENTAL_RESULT_CODE) {
                return c.unsigned32();
            }
        }
        throw new AssertionError("no Experimental-Result-Code");
    }
}
