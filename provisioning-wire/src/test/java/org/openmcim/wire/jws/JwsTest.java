package org.openmcim.wire.jws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.aka.VectorFile;

/** ES256 against the published RFC 7515 example: signing input, base64url and raw R‖S agree with the spec. */
class JwsTest {
    static Stream<Arguments> rfc7515() {
        return VectorFile.arguments("vectors/jws-rfc7515.txt");
    }

    static PublicKey p256(String x, String y) throws Exception {
        AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
        ap.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
        Base64.Decoder d = Base64.getUrlDecoder();
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(new BigInteger(1, d.decode(x)), new BigInteger(1, d.decode(y))), spec));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc7515")
    void verifiesThePublishedExample(VectorFile.Vector v) throws Exception {
        byte[] payload = Jws.verifyCompact(v.get("jws"), p256(v.get("x"), v.get("y")));
        assertTrue(new String(payload, StandardCharsets.UTF_8).startsWith(v.get("payload-prefix")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc7515")
    void refusesTheExampleAltered(VectorFile.Vector v) throws Exception {
        String jws = v.get("jws");
        PublicKey key = p256(v.get("x"), v.get("y"));
        // Last signature character Q -> A flips bits of S.
        String badSig = jws.substring(0, jws.length() - 1) + "A";
        assertEquals("bad-signature", assertThrows(Jws.InvalidJwsException.class, () -> Jws.verifyCompact(badSig, key)).reason());
        // The same signature over another payload.
        String[] p = jws.split("\\.");
        String otherPayload = p[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString("{}".getBytes()) + "." + p[2];
        assertEquals("bad-signature", assertThrows(Jws.InvalidJwsException.class, () -> Jws.verifyCompact(otherPayload, key)).reason());
        // "alg": "none" is never accepted (RFC 8725 §3.1).
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes()) + "." + p[1] + ".";
        assertEquals("unsupported-algorithm", assertThrows(Jws.InvalidJwsException.class, () -> Jws.verifyCompact(none, key)).reason());
    }

    /**
     * What we sign, the JDK's own ECDSA (SunEC, P1363 = R‖S) verifies, and the reverse: two
     * independent implementations agree; k from RFC 6979 makes the signature of one input one value.
     */
    @org.junit.jupiter.api.Test
    void signaturesInteroperateWithTheJdk() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        java.security.KeyPair kp = g.generateKeyPair();
        byte[] input = "eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ".getBytes(StandardCharsets.US_ASCII);
        byte[] ours = Jws.es256Sign(kp.getPrivate(), input);
        assertEquals(64, ours.length);
        java.security.Signature jdk = java.security.Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
        jdk.initVerify(kp.getPublic());
        jdk.update(input);
        assertTrue(jdk.verify(ours), "SunEC verifies our signature");
        jdk.initSign(kp.getPrivate());
        jdk.update(input);
        byte[] theirs = jdk.sign();
        assertTrue(Jws.es256Verify(kp.getPublic(), input, theirs), "we verify SunEC's signature");
        assertTrue(java.util.Arrays.equals(ours, Jws.es256Sign(kp.getPrivate(), input)), "RFC 6979: deterministic");
        input[0] ^= 1;
        assertTrue(!Jws.es256Verify(kp.getPublic(), input, ours), "another input does not verify");
        // A P-384 key is not an ES256 key.
        java.security.KeyPairGenerator g384 = java.security.KeyPairGenerator.getInstance("EC", "SunEC");
        g384.initialize(new ECGenParameterSpec("secp384r1"));
        java.security.KeyPair other = g384.generateKeyPair();
        assertThrows(java.security.GeneralSecurityException.class, () -> Jws.es256Sign(other.getPrivate(), input));
        assertTrue(!Jws.es256Verify(other.getPublic(), input, ours));
    }
}
