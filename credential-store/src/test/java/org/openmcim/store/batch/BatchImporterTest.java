package org.openmcim.store.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Hex;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;

class BatchImporterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private static final String K = "465b5ce8b199b49faa5f0a2ee238a6bc";
    private static final String OPC = "cd63cb71954a9f4e48a5994e37a02baf";

    private static BatchImporter.Report run(InMemoryCredentialStore store, String csv) throws Exception {
        return new BatchImporter(store, CLOCK, BatchImporter.Defaults.of("chtif-test", "provisioning"))
                .importCsv(new BufferedReader(new StringReader(csv)));
    }

    @Test
    void importsWithColumnsInAnyOrderAndDefaults() throws Exception {
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        BatchImporter.Report r = run(store, "opc,lifetime,imsi,k,sqn\n"
                + OPC + ",P30D,001010000000001," + K + ",00000000001f\n"
                + "\n"
                + OPC + ",PT1H,00101000000002," + K + ",0\n");
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(2, r.imported());
        Subscriber s = store.find("001010000000001").orElseThrow();
        assertArrayEquals(Hex.decode(K), s.k());
        assertArrayEquals(Hex.decode(OPC), s.opc());
        assertArrayEquals(new byte[] {(byte) 0x80, 0}, s.amf(), "default AMF");
        assertEquals(0x1f, s.sqnHe());
        assertEquals(Duration.ofDays(30), s.lifetime());
        assertEquals(Algorithm.MILENAGE, s.algorithm());
        assertEquals(CredentialState.ISSUED, s.state());
        assertEquals(CLOCK.instant(), s.issuedAt());
        assertEquals("chtif-test", s.issuer());
        assertTrue(store.find("00101000000002").isPresent(), "14-digit IMSI accepted");
    }

    @Test
    void everyBadLineIsReportedAndNothingIsImported() throws Exception {
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        new BatchImporter(store, CLOCK, BatchImporter.Defaults.of("x", "y")).importCsv(new BufferedReader(new StringReader(
                "imsi,k,opc\n001019999999999," + K + "," + OPC + "\n")));
        String csv = "imsi,k,opc,amf,algorithm,lifetime\n"
                + "001010000000001," + K + "," + OPC + ",8000,milenage,P1D\n"       // 2 good
                + "001010000000002,zz5b5ce8b199b49faa5f0a2ee238a6bc," + OPC + ",8000,MILENAGE,P1D\n" // 3 bad hex
                + "001010000000003," + K + "00," + OPC + ",8000,MILENAGE,P1D\n"     // 4 K 17 bytes
                + "0010100000003," + K + "," + OPC + ",8000,MILENAGE,P1D\n"          // 5 IMSI 13 digits
                + "001010000000001," + K + "," + OPC + ",8000,MILENAGE,P1D\n"       // 6 duplicate of 2
                + "001010000000006," + K + "," + OPC + ",8000,SHA3,P1D\n"           // 7 unknown algorithm
                + "001010000000007," + K + "," + OPC + ",8000,MILENAGE,one year\n"  // 8 bad lifetime
                + "001019999999999," + K + "," + OPC + ",8000,MILENAGE,P1D\n"       // 9 exists in store
                + "001010000000009," + K + "," + OPC + ",80,MILENAGE,P1D\n"         // 10 AMF 1 byte
                + "001010000000010," + K + "\n"                                        // 11 field count
                + "001010000000011," + K + "," + OPC + ",8000,TUAK,P1D\n";          // 12 TUAK needs 32-byte TOPc
        BatchImporter.Report r = run(store, csv);
        assertFalse(r.ok());
        assertEquals(0, r.imported());
        assertEquals(List.of(3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
                r.errors().stream().map(LineError::line).collect(Collectors.toList()), r.errors().toString());
        assertTrue(r.errors().get(3).problem().contains("duplicates line 2"), r.errors().get(3).problem());
        assertTrue(r.errors().get(6).problem().contains("already exists"));
        assertEquals(LineError.Kind.EXISTS, r.errors().get(6).kind());
        assertEquals(9, r.errors().stream().filter(e -> e.kind() == LineError.Kind.INVALID).count());
        assertFalse(r.onlyExisting(), "malformed lines too");
        assertEquals(1, store.size(), "nothing from the file was stored, not even line 2");
        for (LineError e : r.errors()) {
            assertFalse(e.problem().toLowerCase().contains(K), "no key value in messages: " + e);
        }
    }

    /**
     * Lines are parsed in blocks of several thousand, in parallel: line numbers, blank lines and
     * duplicates must come out as from one pass over the file, across block boundaries too.
     */
    @Test
    void lineNumbersAndDuplicatesHoldAcrossParseBlocks() throws Exception {
        StringBuilder csv = new StringBuilder("imsi,k,opc\n");
        int lines = 20_000; // file lines 2 .. 20,001
        for (int line = 2; line <= lines + 1; line++) {
            if (line == 5_000) {
                csv.append("\n"); // blank: skipped, but counted
            } else if (line == 9_000) {
                csv.append(String.format("00101%010d", line)).append(",zz").append(K, 2, 32).append(',').append(OPC).append('\n');
            } else if (line == 15_000) {
                csv.append(String.format("00101%010d", 2)).append(',').append(K).append(',').append(OPC).append('\n');
            } else {
                csv.append(String.format("00101%010d", line)).append(',').append(K).append(',').append(OPC).append('\n');
            }
        }
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        BatchImporter.Report r = run(store, csv.toString());
        assertEquals(List.of(9_000, 15_000), r.errors().stream().map(LineError::line).collect(Collectors.toList()),
                r.errors().toString());
        assertTrue(r.errors().get(0).problem().contains("K is not hex"), r.errors().get(0).problem());
        assertTrue(r.errors().get(1).problem().contains("duplicates line 2"), r.errors().get(1).problem());
        assertEquals(0, store.size(), "nothing stored");

        String good = csv.toString().replace(String.format("00101%010d", 2) + "," + K + "," + OPC + "\n", "")
                .replace(",zz" + K.substring(2), "," + K);
        r = run(store, "imsi,k,opc\n" + String.format("00101%010d", 2) + "," + K + "," + OPC + "\n"
                + good.substring("imsi,k,opc\n".length()));
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(lines - 2, r.imported(), "every line but the blank one and the removed duplicate");
        assertEquals(lines - 2, store.size());
    }

    @Test
    void badHeaderIsLineOne() throws Exception {
        BatchImporter.Report r = run(new InMemoryCredentialStore(), "imsi,key,opc\n001010000000001," + K + "," + OPC + "\n");
        assertEquals(List.of(1, 1), r.errors().stream().map(LineError::line).toList(), r.errors().toString());
        assertEquals(1, run(new InMemoryCredentialStore(), "").errors().size());
    }

    /** The issuer's CSV is exactly what the importer reads: the supplier round trip. */
    @Test
    void issuedBatchImportsElsewhereIdentically() throws Exception {
        InMemoryCredentialStore chtif = new InMemoryCredentialStore();
        List<Subscriber> issued = new PcidIssuer(chtif, new SecureRandom(), CLOCK).issue(new PcidIssuer.Request(
                200, List.of("00101", "310260"), new byte[] {(byte) 0x80, 0}, Duration.ofDays(90), "chtif-1", "provisioning"));
        assertEquals(200, issued.size());
        assertEquals(200, chtif.size());
        assertEquals(100, issued.stream().filter(s -> s.imsi().startsWith("310260")).count());
        assertTrue(issued.stream().allMatch(s -> s.imsi().length() == 15));
        StringWriter csv = new StringWriter();
        PcidIssuer.writeCsv(issued, csv);
        assertTrue(csv.toString().startsWith(PcidIssuer.CSV_HEADER + "\n"));
        InMemoryCredentialStore other = new InMemoryCredentialStore();
        BatchImporter.Report r = new BatchImporter(other, CLOCK, BatchImporter.Defaults.of("chtif-1", "provisioning"))
                .importCsv(new BufferedReader(new StringReader(csv.toString())));
        assertTrue(r.ok(), r.errors().toString());
        for (Subscriber s : issued) {
            assertEquals(s, other.find(s.imsi()).orElseThrow());
        }
        // and the same file again is refused whole: every line already exists
        BatchImporter.Report again = new BatchImporter(other, CLOCK, BatchImporter.Defaults.of("chtif-1", "provisioning"))
                .importCsv(new BufferedReader(new StringReader(csv.toString())));
        assertEquals(200, again.errors().size());
        assertTrue(again.onlyExisting(), "the file is fine; its IMSIs exist");
    }

    /** No PCID under an excluded prefix (a CHTIF's range): 200 draws of which a tenth would land there. */
    @Test
    void issuanceSkipsExcludedPrefixes() {
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        List<Subscriber> issued = new PcidIssuer(store, new SecureRandom(), CLOCK).issue(new PcidIssuer.Request(200, List.of("00101"),
                new byte[] {(byte) 0x80, 0}, Duration.ofDays(90), "chtif-1", "provisioning", List.of("001019")));
        assertEquals(200, issued.size());
        assertTrue(issued.stream().noneMatch(s -> s.imsi().startsWith("001019")), "none in the excluded prefix");
        IllegalArgumentException inside = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new PcidIssuer.Request(1, List.of("00101"), new byte[] {(byte) 0x80, 0}, Duration.ofDays(1), "x", "y",
                        List.of("00101")));
        assertTrue(inside.getMessage().contains("inside the excluded prefix 00101"), inside.getMessage());
    }

    /** One credential by named fields (a CHTIF's JSON answer): the rules and defaults of a batch line. */
    @Test
    void oneSubscriberFromNamedFields() {
        BatchImporter importer = new BatchImporter(new InMemoryCredentialStore(), CLOCK, BatchImporter.Defaults.of("chtif-9", "provisioning"));
        List<String> problems = new java.util.ArrayList<>();
        Subscriber s = importer.subscriber(java.util.Map.of("imsi", "001010000000001", "k", K, "opc", OPC)::get, problems);
        assertEquals(List.of(), problems);
        assertEquals("chtif-9", s.issuer());
        assertEquals(Duration.ofDays(365), s.lifetime(), "default lifetime");
        assertEquals(0, s.sqnHe());
        assertEquals(PcidIssuer.batchFields(s).get("k"), K, "the same text as a batch line");

        assertEquals(null, importer.subscriber(java.util.Map.of("imsi", "001010000000001", "k", K)::get, problems));
        assertEquals(List.of("missing opc"), problems);
        problems.clear();
        assertEquals(null, importer.subscriber(java.util.Map.of("imsi", "001010000000001", "k", K, "opc", OPC, "sqn", "x",
                "algorithm", "TUAK")::get, problems));
        assertEquals(2, problems.size(), problems.toString());
        for (String p : problems) {
            assertFalse(p.contains(OPC), "no key value in messages: " + p);
        }
    }
}
