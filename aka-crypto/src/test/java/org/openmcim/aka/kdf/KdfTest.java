package org.openmcim.aka.kdf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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

class KdfTest {

    private final Kdf kdf = new Kdf();

    static Stream<Arguments> kasmeVectors() {
        return VectorFile.arguments("vectors/kdf-kasme.txt");
    }

    static Stream<Arguments> kenbVectors() {
        return VectorFile.arguments("vectors/kdf-kenb.txt");
    }

    static Stream<Arguments> algorithmKeyVectors() {
        return VectorFile.arguments("vectors/kdf-algorithm-keys.txt");
    }

    static Stream<Arguments> rfc5448Vectors() {
        return VectorFile.arguments("vectors/eap-aka-prime-rfc5448.txt");
    }

    // ---- TS 33.401 A.2 --------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("kasmeVectors")
    void kasme(Vector v) {
        byte[] sqnXorAk = xor(v.hex("sqn"), v.hex("ak"));
        byte[] snId = v.has("plmn") ? PlmnId.encode(v.get("plmn")) : v.hex("sn-id");
        byte[] expected = v.hex("kasme");

        assertArrayEquals(expected, kdf.kasme(v.hex("ck"), v.hex("ik"), snId, sqnXorAk));
        assertArrayEquals(expected, kdf.kasme(v.hex("ck"), v.hex("ik"), PlmnId.fromOctets(snId), sqnXorAk));

        byte[] out = new byte[40];
        kdf.kasme(v.hex("ck"), v.hex("ik"), snId, sqnXorAk, out, 5);
        assertArrayEquals(expected, Arrays.copyOfRange(out, 5, 37));

        byte[] ckIk = concat(v.hex("ck"), v.hex("ik"));
        assertArrayEquals(expected, kdf.derive(ckIk, Kdf.FC_KASME, snId, sqnXorAk));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kasmeVectors")
    void kasmeDoesNotModifyInputs(Vector v) {
        byte[] ck = v.hex("ck");
        byte[] ik = v.hex("ik");
        byte[] sqnXorAk = xor(v.hex("sqn"), v.hex("ak"));
        kdf.kasme(ck, ik, PlmnId.encode("00101"), sqnXorAk);
        assertArrayEquals(v.hex("ck"), ck);
        assertArrayEquals(v.hex("ik"), ik);
        assertArrayEquals(xor(v.hex("sqn"), v.hex("ak")), sqnXorAk);
    }

    // ---- TS 33.401 A.3 --------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("kenbVectors")
    void kEnb(Vector v) {
        long count = Long.parseLong(v.get("count"), 16);
        assertArrayEquals(v.hex("kenb"), kdf.kEnb(v.hex("kasme"), count));
        assertArrayEquals(v.hex("kenb"), kdf.derive(v.hex("kasme"), Kdf.FC_KENB, v.hex("count")));
    }

    // ---- TS 33.401 A.4 --------------------------------------------------------------------

    /**
     * No published NH vector was found; this checks NH against an S built by hand and a MAC from
     * the JDK's own HMAC, for the first two hops of the chain (SYNC-input = KeNB, then NH).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kenbVectors")
    void nhChainMatchesIndependentHmac(Vector v) throws GeneralSecurityException {
        byte[] kasme = v.hex("kasme");
        byte[] nh1 = kdf.nh(kasme, v.hex("kenb"));
        assertArrayEquals(jdkHmac(kasme, s(0x12, v.hex("kenb"))), nh1);
        byte[] nh2 = kdf.nh(kasme, nh1);
        assertArrayEquals(jdkHmac(kasme, s(0x12, nh1)), nh2);
        assertArrayEquals(nh2, kdf.derive(kasme, Kdf.FC_NH, nh1));
    }

    // ---- TS 33.401 A.7 --------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("algorithmKeyVectors")
    void algorithmKeys(Vector v) {
        byte[] key = v.hex("key");
        int distinguisher = Integer.parseInt(v.get("distinguisher"), 16);
        int alg = Integer.parseInt(v.get("alg"));
        byte[] full = v.hex("output");
        assertEquals(32, full.length, "data file holds the full 256-bit output");

        assertArrayEquals(full, kdf.derive(key, Kdf.FC_ALGORITHM_KEY,
                new byte[] {(byte) distinguisher}, new byte[] {(byte) alg}));
        byte[] lsb128 = Arrays.copyOfRange(full, 16, 32);
        assertArrayEquals(lsb128, kdf.algorithmKey(key, distinguisher, alg));
        assertArrayEquals(lsb128, named(distinguisher, key, alg));
    }

    private byte[] named(int distinguisher, byte[] key, int alg) {
        switch (distinguisher) {
            case Kdf.NAS_ENC_ALG: return kdf.kNasEnc(key, alg);
            case Kdf.NAS_INT_ALG: return kdf.kNasInt(key, alg);
            case Kdf.RRC_ENC_ALG: return kdf.kRrcEnc(key, alg);
            case Kdf.RRC_INT_ALG: return kdf.kRrcInt(key, alg);
            case Kdf.UP_ENC_ALG: return kdf.kUpEnc(key, alg);
            case Kdf.UP_INT_ALG: return kdf.kUpInt(key, alg);
            default: throw new IllegalArgumentException("distinguisher " + distinguisher);
        }
    }

    // ---- TS 33.402 A.2 --------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc5448Vectors")
    void ckIkPrime(Vector v) {
        byte[] sqnXorAk = Arrays.copyOf(v.hex("autn"), 6);
        CkIkPrime p = kdf.ckIkPrime(v.hex("ck"), v.hex("ik"), v.get("network"), sqnXorAk);
        assertArrayEquals(v.hex("ck-prime"), p.ckPrime());
        assertArrayEquals(v.hex("ik-prime"), p.ikPrime());
        assertArrayEquals(concat(v.hex("ck-prime"), v.hex("ik-prime")),
                kdf.derive(concat(v.hex("ck"), v.hex("ik")), Kdf.FC_CK_IK_PRIME,
                        v.get("network").getBytes(StandardCharsets.US_ASCII), sqnXorAk));
        assertFalse(p.toString().contains(org.openmcim.aka.Hex.encode(p.ckPrime())), "no key in toString");
    }

    // ---- generic form ---------------------------------------------------------------------

    @Test
    void genericFormMatchesIndependentHmacForSeveralParameters() throws GeneralSecurityException {
        byte[] key = new byte[45];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (7 * i + 1);
        }
        byte[] p0 = "abc".getBytes(StandardCharsets.US_ASCII);
        byte[] p1 = new byte[300];
        byte[] p2 = new byte[0];
        assertArrayEquals(jdkHmac(key, s(0x6c, p0, p1, p2)), kdf.derive(key, 0x6c, p0, p1, p2));
        assertArrayEquals(jdkHmac(key, s(0x00)), kdf.derive(key, 0x00));
    }

    // ---- negative tests -------------------------------------------------------------------

    @Test
    void rejectsWrongKeyAndParameterLengths() {
        byte[] k16 = new byte[16];
        byte[] k32 = new byte[32];
        byte[] sn = new byte[3];
        byte[] sqn = new byte[6];
        assertMessage("CK must be 16 bytes, got 15", () -> kdf.kasme(new byte[15], k16, sn, sqn));
        assertMessage("IK must be 16 bytes, got 32", () -> kdf.kasme(k16, k32, sn, sqn));
        assertMessage("serving network id must be 3 bytes, got 4", () -> kdf.kasme(k16, k16, new byte[4], sqn));
        assertMessage("SQN xor AK must be 6 bytes, got 16", () -> kdf.kasme(k16, k16, sn, k16));
        assertMessage("output needs 32 bytes at offset 1", () -> kdf.kasme(k16, k16, sn, sqn, new byte[32], 1));
        assertMessage("KASME must be 32 bytes, got 16", () -> kdf.kEnb(k16, 0));
        assertMessage("KASME must be 32 bytes, got 16", () -> kdf.nh(k16, k32));
        assertMessage("SYNC-input must be 32 bytes, got 16", () -> kdf.nh(k32, k16));
        assertMessage("KASME/KeNB must be 32 bytes, got 16", () -> kdf.kNasInt(k16, 2));
        assertMessage("CK must be 16 bytes, got 32", () -> kdf.ckIkPrime(k32, k16, "WLAN", sqn));
        assertMessage("SQN xor AK must be 6 bytes, got 5", () -> kdf.ckIkPrime(k16, k16, "WLAN", new byte[5]));
        assertMessage("access network identity must be 1..65535 octets, got 0",
                () -> kdf.ckIkPrime(k16, k16, "", sqn));
        assertThrows(NullPointerException.class, () -> kdf.kasme(null, k16, sn, sqn));
        assertThrows(NullPointerException.class, () -> kdf.kasme(k16, k16, (PlmnId) null, sqn));
    }

    @Test
    void rejectsOutOfRangeNumbers() {
        byte[] k32 = new byte[32];
        assertMessage("uplink NAS COUNT must be 0..4294967295", () -> kdf.kEnb(k32, -1));
        assertMessage("uplink NAS COUNT must be 0..4294967295", () -> kdf.kEnb(k32, 0x1_0000_0000L));
        assertMessage("algorithm identity must be 0..15", () -> kdf.kNasEnc(k32, 16));
        assertMessage("algorithm identity must be 0..15", () -> kdf.kRrcInt(k32, -1));
        assertMessage("algorithm type distinguisher must be 0x01..0x06", () -> kdf.algorithmKey(k32, 0, 1));
        assertMessage("algorithm type distinguisher must be 0x01..0x06", () -> kdf.algorithmKey(k32, 7, 1));
        assertMessage("FC must be one octet", () -> kdf.derive(k32, 256));
        assertMessage("P1 is 65536 octets", () -> kdf.derive(k32, 0x10, new byte[1], new byte[65536]));
        assertMessage("KDF key must not be empty", () -> kdf.derive(new byte[0], 0x10));
    }

    @Test
    void countUsesAllThirtyTwoBits() {
        byte[] kasme = new byte[32];
        assertArrayEquals(kdf.derive(kasme, Kdf.FC_KENB, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}),
                kdf.kEnb(kasme, 0xffff_ffffL));
    }

    // ---- helpers --------------------------------------------------------------------------

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), () -> "message was: " + e.getMessage());
    }

    /** S of TS 33.220 B.2 built directly from its definition. */
    private static byte[] s(int fc, byte[]... params) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(fc);
        for (byte[] p : params) {
            out.writeBytes(p);
            out.write(p.length >> 8);
            out.write(p.length & 0xff);
        }
        return out.toByteArray();
    }

    private static byte[] jdkHmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
