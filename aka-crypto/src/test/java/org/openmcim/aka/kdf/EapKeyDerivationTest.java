package org.openmcim.aka.kdf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.VectorFile.Vector;

class EapKeyDerivationTest {

    static Stream<Arguments> rfc5448Vectors() {
        return VectorFile.arguments("vectors/eap-aka-prime-rfc5448.txt");
    }

    static Stream<Arguments> fipsPrfVectors() {
        return VectorFile.arguments("vectors/fips186-2-prf.txt");
    }

    // ---- RFC 5448 ---------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc5448Vectors")
    void eapAkaPrimeKeysFromCkIkPrime(Vector v) {
        EapAkaPrimeKeys keys = EapKeyDerivation.eapAkaPrime(v.get("identity"), v.hex("ik-prime"), v.hex("ck-prime"));
        assertRfc5448Keys(v, keys);
    }

    /** The whole non-3GPP path: CK/IK/AUTN from the AuC to MSK (TS 33.402 A.2 then RFC 5448 §3.3). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc5448Vectors")
    void eapAkaPrimeKeysFromCkIk(Vector v) {
        CkIkPrime p = new Kdf().ckIkPrime(v.hex("ck"), v.hex("ik"), v.get("network"), Arrays.copyOf(v.hex("autn"), 6));
        EapAkaPrimeKeys keys = EapKeyDerivation.eapAkaPrime(
                v.get("identity").getBytes(StandardCharsets.US_ASCII), p.ikPrime(), p.ckPrime());
        assertRfc5448Keys(v, keys);
    }

    private static void assertRfc5448Keys(Vector v, EapAkaPrimeKeys keys) {
        assertArrayEquals(v.hex("k-encr"), keys.kEncr(), "K_encr");
        assertArrayEquals(v.hex("k-aut"), keys.kAut(), "K_aut");
        assertArrayEquals(v.hex("k-re"), keys.kRe(), "K_re");
        assertArrayEquals(v.hex("msk"), keys.msk(), "MSK");
        assertArrayEquals(v.hex("emsk"), keys.emsk(), "EMSK");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc5448Vectors")
    void prfPrimeFirstBlockIsHmacOfSAndOne(Vector v) throws GeneralSecurityException {
        byte[] key = KdfTest.concat(v.hex("ik-prime"), v.hex("ck-prime"));
        byte[] s = ("EAP-AKA'" + v.get("identity")).getBytes(StandardCharsets.US_ASCII);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(s);
        mac.update((byte) 1);
        byte[] t1 = mac.doFinal();
        assertArrayEquals(t1, EapKeyDerivation.prfPrime(key, s, 32));
        assertArrayEquals(Arrays.copyOf(t1, 10), EapKeyDerivation.prfPrime(key, s, 10));
    }

    // ---- FIPS 186-2 PRF / RFC 4187 ------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("fipsPrfVectors")
    void fips186Prf(Vector v) {
        byte[] expected = v.hex("output");
        byte[] xkey = v.hex("xkey");
        assertArrayEquals(expected, Fips186Prf.generate(xkey, expected.length));
        // A shorter request is a prefix of the same stream, and the input is left alone.
        assertArrayEquals(Arrays.copyOf(expected, 7), Fips186Prf.generate(xkey, 7));
        assertArrayEquals(v.hex("xkey"), xkey);
    }

    @Test
    void eapAkaKeySliceFromMkMatchesRfc4186KeyStream() {
        Vector v = VectorFile.load("vectors/fips186-2-prf.txt").stream()
                .filter(x -> x.name().startsWith("RFC 4186")).findFirst().orElseThrow();
        byte[] stream = v.hex("output");
        EapAkaKeys keys = EapKeyDerivation.eapAkaFromMk(v.hex("xkey"));
        assertArrayEquals(v.hex("xkey"), keys.mk());
        assertArrayEquals(Arrays.copyOfRange(stream, 0, 16), keys.kEncr());
        assertArrayEquals(Arrays.copyOfRange(stream, 16, 32), keys.kAut());
        assertArrayEquals(Arrays.copyOfRange(stream, 32, 96), keys.msk());
        assertArrayEquals(Arrays.copyOfRange(stream, 96, 160), keys.emsk());
    }

    /**
     * RFC 4187 §7 MK = SHA1(Identity|IK|CK); no published end-to-end EAP-AKA vector was found, so
     * this checks the composition against the JDK's SHA-1, using the RFC 5448 inputs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc5448Vectors")
    void eapAkaMasterKeyIsSha1OfIdentityIkCk(Vector v) throws GeneralSecurityException {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(v.get("identity").getBytes(StandardCharsets.US_ASCII));
        sha1.update(v.hex("ik"));
        sha1.update(v.hex("ck"));
        byte[] mk = sha1.digest();
        EapAkaKeys keys = EapKeyDerivation.eapAka(v.get("identity"), v.hex("ik"), v.hex("ck"));
        assertArrayEquals(mk, keys.mk());
        EapAkaKeys fromMk = EapKeyDerivation.eapAkaFromMk(mk);
        assertArrayEquals(fromMk.msk(), keys.msk());
        assertArrayEquals(fromMk.emsk(), keys.emsk());
        assertFalse(keys.toString().contains(org.openmcim.aka.Hex.encode(keys.msk())), "no key in toString");
    }

    // ---- negative tests ---------------------------------------------------------------------

    @Test
    void rejectsWrongLengths() {
        byte[] k16 = new byte[16];
        assertMessage("IK must be 16 bytes, got 15", () -> EapKeyDerivation.eapAka("id", new byte[15], k16));
        assertMessage("CK must be 16 bytes, got 17", () -> EapKeyDerivation.eapAka("id", k16, new byte[17]));
        assertMessage("IK' must be 16 bytes, got 32", () -> EapKeyDerivation.eapAkaPrime("id", new byte[32], k16));
        assertMessage("CK' must be 16 bytes, got 0", () -> EapKeyDerivation.eapAkaPrime("id", k16, new byte[0]));
        assertMessage("MK must be 20 bytes, got 16", () -> EapKeyDerivation.eapAkaFromMk(k16));
        assertMessage("XKEY must be 20 bytes, got 16", () -> Fips186Prf.generate(k16, 40));
        assertMessage("length must not be negative", () -> Fips186Prf.generate(new byte[20], -1));
        assertMessage("PRF' length must be 0..8160", () -> EapKeyDerivation.prfPrime(k16, k16, 8161));
        assertThrows(NullPointerException.class, () -> EapKeyDerivation.eapAka((String) null, k16, k16));
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), () -> "message was: " + e.getMessage());
    }
}
