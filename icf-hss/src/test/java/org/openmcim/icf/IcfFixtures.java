package org.openmcim.icf;

/**
 * ICF configurations the tests of several modules start real ICFs from (through the icf-hss test
 * jar), so that one shape is kept in one place.
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
}
