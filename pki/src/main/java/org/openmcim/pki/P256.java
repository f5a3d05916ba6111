package org.openmcim.pki;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * P-256 (SEC 2 secp256r1) as the provisioning protocol's application-level EC work uses it: JWS
 * ES256 signatures (RFC 7518 §3.4), the MCIMobj's ECDH to the TRE key and the certificates' own
 * signatures in path validation ({@link BcCheckedCertificate}). One domain with Bouncy
 * Castle's dedicated field arithmetic, immutable and shared by every codec, so the generator's
 * precomputed multiples, which Bouncy Castle attaches to its point, are built once per process.
 */
public final class P256 {
    public static final ECDomainParameters DOMAIN;

    static {
        X9ECParameters x = CustomNamedCurves.getByName("secp256r1");
        DOMAIN = new ECDomainParameters(x.getCurve(), x.getG(), x.getN(), x.getH());
    }

    private P256() {
    }

    /** Whether {@code p} (a JCA key's parameters) is P-256: same order, field size and generator. */
    public static boolean is(ECParameterSpec p) {
        return p != null && p.getOrder().equals(DOMAIN.getN()) && p.getCurve().getField().getFieldSize() == 256
                && p.getGenerator().getAffineX().equals(DOMAIN.getG().getAffineXCoord().toBigInteger());
    }

    /**
     * {@code key} as a point of the shared domain, checked to lie on the curve and not to be the
     * point at infinity (ECPublicKeyParameters validates it); null if it is no valid P-256 key.
     */
    public static ECPublicKeyParameters point(PublicKey key) {
        if (!(key instanceof ECPublicKey k) || !is(k.getParams())) {
            return null;
        }
        try {
            return new ECPublicKeyParameters(DOMAIN.getCurve().createPoint(k.getW().getAffineX(), k.getW().getAffineY()), DOMAIN);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
