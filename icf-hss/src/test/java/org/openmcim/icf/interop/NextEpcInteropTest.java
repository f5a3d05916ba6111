package org.openmcim.icf.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.openmcim.icf.IcfServer;

/**
 * The NextEPC 0.3.10 lab (lab/lab.sh) against the in-process ICF: NextEPC's MME (its bundled
 * freeDiameter, config/lab/nextepc/freeDiameter/mme.conf) connects to hss.localdomain over TCP and
 * must reach STATE_OPEN within 15 s (TcTimer 3 s: a refused connect is retried every ~3 s),
 * answered by the ICF as hss.localdomain (TS 29.272 §7.1: S6a over Diameter, application
 * 16777251). At lab shutdown the MME's freeDiameter disconnects with DPR (RFC 6733 §5.4).
 *
 * <p>The lab runs in its own work directory (target/interop/nextepc-lab) and its own loopback
 * block, 127.0.3.x by default (LAB_* variables of lab.sh; -Dinterop.lab.block=127.0.0 gives the
 * lab's standard addresses, hss.localdomain on 127.0.0.4:3868), so that a lab someone else is
 * running on this machine never talks to this test's ICF. The PGW's Gx link to pcrf.localdomain
 * is not checked: Gx is not implemented in this branch of the ICF.
 *
 * <p>Skipped when NextEPC or the shim's build tools are missing (Debian: nextepc-mme nextepc-sgw
 * nextepc-pgw gcc libc6-dev libsctp-dev make iproute2, which lab.sh installs itself).
 */
class NextEpcInteropTest {
    static final String BLOCK = System.getProperty("interop.lab.block", "127.0.3");
    static final String HSS = BLOCK + ".4";
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    static final Path LAB = REPO.resolve("lab/lab.sh");
    static final String MME_OPEN = "INFO: CONNECTED TO 'hss.localdomain' (TCP,";

    @Test
    void nextEpcMmeOpensS6aWithTheIcf() throws Exception {
        assumeTrue(Files.isExecutable(LAB), "lab/lab.sh not found from " + Path.of("").toAbsolutePath());
        for (String tool : List.of("/usr/bin/nextepc-mmed", "/usr/bin/nextepc-sgwd", "/usr/bin/nextepc-pgwd", "gcc", "make")) {
            assumeTrue(Interop.onPath(tool), tool + " not installed (Debian: nextepc-mme nextepc-sgw nextepc-pgw gcc make)");
        }
        assumeTrue(Files.exists(Path.of("/usr/include/netinet/sctp.h")), "libsctp-dev not installed (the shim needs its header)");

        Path work = Path.of("target", "interop", "nextepc-lab").toAbsolutePath();
        Path dir = Path.of("target", "interop", "nextepc").toAbsolutePath();
        deleteTree(work.resolve("log"));
        deleteTree(dir);
        Files.createDirectories(dir);
        Map<String, String> env = Map.of("LAB_WORK", work.toString(), "LAB_MME_ADDR", BLOCK + ".2", "LAB_SGW_ADDR", BLOCK + ".6",
                "LAB_PGW_ADDR", BLOCK + ".7", "LAB_HSS_ADDR", HSS, "LAB_PCRF_ADDR", BLOCK + ".5", "LAB_SKIP_INSTALL", "1");
        Path mmeLog = work.resolve("log/mme.log");

        LoopbackCapture capture = LoopbackCapture.available()
                ? new LoopbackCapture(dir, "tcp port 3868 and host " + HSS, 3868) : null;
        boolean labStarted = false;
        long t0 = System.nanoTime();
        try (Interop.IcfLog icfLog = new Interop.IcfLog();
             IcfServer icf = Interop.start(Interop.config("hss.localdomain", HSS + ":3868", "30s", "mme.localdomain", "localdomain"))) {
            labStarted = true;
            lab(env, dir, "up");
            long up = System.nanoTime();
            // The MME's freeDiameter connects on start and after each TcTimer (3 s) while refused.
            assertTrue(Interop.await(Duration.ofSeconds(15), () -> icf.peers().find("mme.localdomain").isPresent()),
                    "NextEPC's MME did not open S6a with the ICF within 15 s; mme.log:\n" + tail(mmeLog) + "\nICF: " + icfLog.lines);
            long open = System.nanoTime();
            // freeDiameter does not bind its client socket to ListenOn: the MME connects from
            // 127.0.0.1. Which process holds the ICF's peer connection is asked of the kernel (ss).
            assertTrue(icfLog.contains("hss.localdomain: peer mme.localdomain open from /"), icfLog.lines.toString());
            if (Interop.onPath("ss")) {
                String mmePid = read(work.resolve("run/mme.pid")).strip();
                String sockets = Interop.run(dir, Duration.ofSeconds(10), "ss", "-tnpH", "state", "established",
                        "dst", HSS + ":3868");
                assertTrue(sockets.contains("\"nextepc-mmed\",pid=" + mmePid + ","),
                        "the connection to " + HSS + ":3868 belongs to the lab's MME (pid " + mmePid + "): " + sockets);
            }
            // NextEPC 0.3.10 routes freeDiameter's log into mme.log at its own level: the state
            // changes (NOTI) are not there, but the dbg_msg_dumps hook its config loads (0x8888)
            // reports the successful capabilities exchange — freeDiameter runs that hook
            // (HOOK_PEER_CONNECT_SUCCESS) once the peer is in STATE_OPEN:
            //   [11/23 10:23:04.166] INFO: CONNECTED TO 'hss.localdomain' (TCP,soc#8): (fd_logger.c:93)
            assertTrue(Interop.await(Duration.ofSeconds(3), () -> read(mmeLog).contains(MME_OPEN)),
                    "mme.log:\n" + tail(mmeLog));
            System.out.printf("nextepc: lab up in %d ms, S6a open %d ms later%n", (up - t0) / 1_000_000, (open - up) / 1_000_000);

            lab(env, dir, "down");
            labStarted = false;
            // RFC 6733 §5.4: the MME's freeDiameter says goodbye with DPR before it exits.
            assertTrue(Interop.await(Duration.ofSeconds(5), () -> icf.peers().find("mme.localdomain").isEmpty()),
                    "the MME's connection outlived the lab");
            assertTrue(icfLog.contains("hss.localdomain: DPR from mme.localdomain"), "no DPR at MME shutdown: " + icfLog.lines);
        } finally {
            if (labStarted) {
                lab(env, dir, "down");
            }
            if (capture != null) {
                capture.stop();
            }
            if (Files.exists(mmeLog)) {
                Files.copy(mmeLog, dir.resolve("mme.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (capture != null) {
            String dissection = capture.dissect();
            Files.writeString(dir.resolve("tshark-V.txt"), dissection);
            List<String> problems = LoopbackCapture.problems(dissection);
            assertTrue(problems.isEmpty(), "tshark reports:\n" + String.join("\n", problems));
            List<String> commands = capture.commands();
            assertTrue(commands.size() >= 4, "Diameter frames on the wire: " + commands);
            assertEquals(List.of("257 request", "257 answer"), commands.subList(0, 2), "CER/CEA first: " + commands);
            assertEquals(List.of("282 request", "282 answer"), commands.subList(commands.size() - 2, commands.size()),
                    "DPR/DPA last: " + commands);
        }
    }

    private static void lab(Map<String, String> env, Path dir, String command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(LAB.toString(), command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("lab.sh.out").toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroy();
            throw new AssertionError("lab/lab.sh " + command + " timed out");
        }
        assertEquals(0, p.exitValue(), "lab/lab.sh " + command + ":\n" + read(dir.resolve("lab.sh.out")));
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(Path p) {
        String[] lines = read(p).split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            List<Path> all = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(all);
            for (Path f : all) {
                Files.delete(f);
            }
        }
    }
}
