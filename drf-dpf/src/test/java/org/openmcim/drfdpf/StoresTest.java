package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.dpf.DirectoryRecords;
import org.openmcim.dpf.MemoryRecords;
import org.openmcim.dpf.NonceLedger;
import org.openmcim.dpf.Records;

/** The record tables: one consume per nonce even when two ledgers (a DRF and a DPF) race on one directory. */
class StoresTest {
    @TempDir
    Path tmp;

    @Test
    void directoryRecordsAreAtomicAndKeyed() {
        Records r = new DirectoryRecords(tmp.resolve("t"), new SecureRandom());
        assertTrue(r.putIfAbsent("k1", "a".getBytes(StandardCharsets.UTF_8)));
        assertFalse(r.putIfAbsent("k1", "b".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals("a".getBytes(StandardCharsets.UTF_8), r.get("k1").orElseThrow());
        r.put("k1", "c".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("c".getBytes(StandardCharsets.UTF_8), r.get("k1").orElseThrow());
        assertEquals(List.of("k1"), r.keys());
        assertThrows(IllegalArgumentException.class, () -> r.get("../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> r.put("a/b", new byte[0]));
        assertTrue(r.remove("k1"));
        assertTrue(r.get("k1").isEmpty());
    }

    @Test
    void aNonceIsConsumedOnceAcrossLedgersSharingADirectory() throws Exception {
        Path issued = tmp.resolve("issued");
        Path used = tmp.resolve("used");
        SecureRandom rnd = new SecureRandom();
        NonceLedger drf = new NonceLedger(new DirectoryRecords(issued, rnd), new DirectoryRecords(used, rnd));
        NonceLedger dpf1 = new NonceLedger(new DirectoryRecords(issued, rnd), new DirectoryRecords(used, rnd));
        NonceLedger dpf2 = new NonceLedger(new DirectoryRecords(issued, rnd), new DirectoryRecords(used, rnd));
        Instant now = Instant.now();
        for (int i = 0; i < 20; i++) {
            String nonce = "nonce" + i;
            drf.record(new NonceLedger.Issued(nonce, "001010000000001", null, "sho1", now, now.plusSeconds(60)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 20; i++) {
                String nonce = "nonce" + i;
                List<Callable<NonceLedger.Consume>> tasks = new ArrayList<>();
                for (NonceLedger l : List.of(dpf1, dpf2, dpf1, dpf2)) {
                    tasks.add(() -> l.consume(nonce));
                }
                int consumed = 0;
                for (Future<NonceLedger.Consume> f : pool.invokeAll(tasks)) {
                    consumed += f.get() == NonceLedger.Consume.CONSUMED ? 1 : 0;
                }
                assertEquals(1, consumed, "exactly one winner for " + nonce);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(NonceLedger.Consume.UNKNOWN, dpf1.consume("never"));
        try (var files = Files.list(used)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")), "no temporary files left");
        }
    }

    @Test
    void memoryLedgerRefusesTheSecondConsume() {
        NonceLedger l = new NonceLedger(new MemoryRecords(), new MemoryRecords());
        Instant now = Instant.now();
        l.record(new NonceLedger.Issued("n1", "001010000000001", "tre-1", "sho1", now, now.plusSeconds(60)));
        assertThrows(IllegalStateException.class,
                () -> l.record(new NonceLedger.Issued("n1", "001010000000001", null, "sho1", now, now.plusSeconds(60))));
        assertEquals(NonceLedger.Consume.CONSUMED, l.consume("n1"));
        assertEquals(NonceLedger.Consume.ALREADY_USED, l.consume("n1"));
        assertEquals("tre-1", l.find("n1").orElseThrow().treId());
        assertTrue(l.find("../x").isEmpty());
    }
}
