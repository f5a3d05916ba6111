package org.openmcim.icf.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.icf.IcfServer;

/**
 * freeDiameter 1.2.1 (Debian freediameterd, the same stack NextEPC embeds) as the ICF's client
 * peer over TCP: the RFC 6733 §5.3 capabilities exchange, the RFC 3539 §3.4 watchdog and the
 * RFC 6733 §5.4 disconnect at shutdown, seen from both ends and from the wire (dumpcap/tshark).
 *
 * <p>freeDiameter advertises the Relay application (Auth-Application-Id 0xffffffff) when no
 * extension registers an application of its own; none of the extensions Debian ships
 * (freediameter-extensions: dict_*, dbg_*, rt_*, acl_wl) registers S6a, and RFC 6733 §5.3 counts
 * a relay as sharing every application, so the CER is accepted without a dictionary extension.
 * Skipped when freeDiameterd or openssl is missing (Debian: freediameter, openssl).
 */
class FreeDiameterInteropTest {
    static final String FD = "freeDiameterd";
    /** Debian freediameter-extensions: logs every message sent and received (flags as NextEPC's lab uses). */
    static final Path DUMPS = Path.of("/usr/lib/freeDiameter/dbg_msg_dumps.fdx");

    @Test
    void cerDwrDprWithFreeDiameter(@TempDir Path dir) throws Exception {
        assumeTrue(Interop.onPath(FD), "freeDiameterd not installed (Debian: apt-get install freediameter)");
        assumeTrue(Interop.onPath("openssl"), "openssl not installed (Debian: apt-get install openssl)");
        int icfPort = Interop.freePort();
        Path conf = writeConfig(dir, icfPort, 6);
        Path fdLog = dir.resolve("freediameter.log");

        LoopbackCapture capture = LoopbackCapture.available() ? new LoopbackCapture(dir, icfPort) : null;
        Process fd = null;
        try (Interop.IcfLog icfLog = new Interop.IcfLog();
             IcfServer icf = Interop.start(Interop.config("hss.localdomain", "127.0.0.1:" + icfPort, "30s",
                     "mme.localdomain", "localdomain"))) {
            fd = new ProcessBuilder(FD, "-c", conf.toString()).redirectErrorStream(true).redirectOutput(fdLog.toFile()).start();

            // RFC 6733 §5.3: CER from mme.localdomain, CEA 2001 — the ICF's peer table has it open.
            assertTrue(Interop.await(Duration.ofSeconds(10), () -> icf.peers().find("mme.localdomain").isPresent()),
                    "freeDiameter never reached Open with the ICF; its log:\n" + read(fdLog) + "\nICF:\n" + icfLog.lines);
            assertTrue(icfLog.contains("hss.localdomain: peer mme.localdomain open from /127.0.0.1:"), icfLog.lines.toString());

            // RFC 3539 §3.4.1: after Tw (6 s, jittered by up to 2 s) of silence freeDiameter sends DWR.
            assertTrue(Interop.await(Duration.ofSeconds(12), () -> icfLog.contains("DWR from mme.localdomain")),
                    "no DWR within Tw + jitter; freeDiameter log:\n" + read(fdLog));
            // RFC 6733 §5.4: on SIGTERM freeDiameter sends DPR (cause REBOOTING) and waits for DPA.
            fd.destroy();
            assertTrue(fd.waitFor(10, TimeUnit.SECONDS), "freeDiameterd did not exit after SIGTERM");
            assertTrue(Interop.await(Duration.ofSeconds(3), () -> icf.peers().find("mme.localdomain").isEmpty()));
            assertTrue(icfLog.contains("hss.localdomain: DPR from mme.localdomain"), "no DPR seen by the ICF: " + icfLog.lines);
            assertTrue(icfLog.contains("hss.localdomain: peer mme.localdomain closed"), icfLog.lines.toString());
            // freeDiameter's own account, in order (dbg_msg_dumps prints each message; the state
            // lines are freeDiameter's RFC 6733 §5.6 peer state machine).
            String fdText = read(fdLog);
            assertTrue(fdText.contains("Connected to 'hss.localdomain' (TCP") || fdText.contains("CONNECTED TO 'hss.localdomain' (TCP"),
                    fdText);
            List<String> events = FreeDiameterLog.events(fdText, "hss.localdomain");
            List<String> expected = Files.exists(DUMPS)
                    ? List.of("SND Capabilities-Exchange-Request", "RCV Capabilities-Exchange-Answer 2001",
                            "STATE_WAITCEA -> STATE_OPEN", "SND Device-Watchdog-Request", "RCV Device-Watchdog-Answer 2001",
                            "STATE_OPEN -> STATE_CLOSING_GRACE", "SND Disconnect-Peer-Request",
                            "RCV Disconnect-Peer-Answer 2001", "STATE_CLOSED -> STATE_ZOMBIE")
                    : List.of("STATE_WAITCEA -> STATE_OPEN", "STATE_OPEN -> STATE_CLOSING_GRACE", "STATE_CLOSED -> STATE_ZOMBIE");
            assertTrue(FreeDiameterLog.inOrder(events, expected), "freeDiameter's events " + events + "\nexpected in order " + expected);
            assertFalse(fdText.contains(" ERROR "), "freeDiameter logged an error:\n" + fdText);
            // freeDiameter 1.2.1 sometimes aborts in its own teardown, after the DPR/DPA exchange and
            // the peer's STATE_ZOMBIE: "fd_fifo_del: Assertion `++loops < 20' failed." (exit 134,
            // SIGABRT; seen about once in ten runs here). That race is freeDiameter's, not the
            // ICF's; anything else is a failure.
            boolean knownTeardownAbort = fd.exitValue() == 134 && fdText.contains("fd_fifo_del: Assertion")
                    && fdText.indexOf("fd_fifo_del: Assertion") > fdText.indexOf("STATE_ZOMBIE");
            assertTrue(fd.exitValue() == 0 || knownTeardownAbort, "freeDiameterd exit status " + fd.exitValue() + "; log:\n" + fdText);
        } finally {
            if (fd != null && fd.isAlive()) {
                fd.destroyForcibly();
            }
            if (capture != null) {
                capture.stop();
            }
            Interop.keep(dir, "freediameter");
        }
        if (capture != null) {
            String dissection = capture.dissect();
            List<String> commands = capture.commands();
            List<String> problems = LoopbackCapture.problems(dissection);
            assertTrue(problems.isEmpty(), "tshark reports:\n" + String.join("\n", problems));
            // Both directions of each exchange are on the wire: CER/CEA, DWR/DWA, DPR/DPA.
            assertEquals(List.of("257 request", "257 answer", "280 request", "280 answer", "282 request", "282 answer"),
                    commands, "the Diameter frames on the wire, as tshark decodes them");
            Files.writeString(dir.resolve("tshark-V.txt"), dissection);
            Interop.keep(dir, "freediameter");
        }
    }

    /**
     * freeDiameter as mme.localdomain (realm localdomain), TCP only, connecting to hss.localdomain
     * at 127.0.0.1:{@code icfPort} without TLS, with watchdog timer {@code tw} seconds.
     */
    static Path writeConfig(Path dir, int icfPort, int tw) throws Exception {
        int fdPort = Interop.freePort();
        // freeDiameter refuses to start without TLS credentials even when every peer is No_TLS.
        if (!Files.exists(dir.resolve("fd.crt"))) {
            Interop.run(dir, Duration.ofSeconds(30), "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", "fd.key", "-out", "fd.crt", "-days", "2", "-subj", "/CN=mme.localdomain");
        }
        Path conf = dir.resolve("fd.conf");
        Files.writeString(conf, """
                Identity = "mme.localdomain";
                Realm = "localdomain";
                Port = %d;
                SecPort = 0;
                No_SCTP;
                No_IPv6;
                ListenOn = "127.0.0.1";
                # RFC 3539 §3.4.1: Tw is at least 6 s; freeDiameter adds up to +/-2 s of jitter.
                TwTimer = %d;
                TcTimer = 3;
                %s
                TLS_Cred = "%s", "%s";
                TLS_CA = "%s";
                ConnectPeer = "hss.localdomain" { ConnectTo = "127.0.0.1"; Port = %d; No_TLS; };
                """.formatted(fdPort, tw, Files.exists(DUMPS) ? "LoadExtension = \"" + DUMPS + "\" : \"0x8888\";" : "",
                dir.resolve("fd.crt"), dir.resolve("fd.key"), dir.resolve("fd.crt"), icfPort));
        return conf;
    }

    /**
     * The other direction of RFC 3539 §3.4.1: the ICF's own watchdog (Tw 6 s) sends DWR to a
     * silent freeDiameter (its Tw is 60 s, so it never speaks first here); freeDiameter answers
     * DWA 2001; the ICF reads it, so that six seconds later it sends its next DWR instead of
     * closing the connection (which it does when a DWR stays unanswered for Tw).
     */
    @Test
    void icfWatchdogIsAnsweredByFreeDiameter(@TempDir Path dir) throws Exception {
        assumeTrue(Interop.onPath(FD), "freeDiameterd not installed (Debian: apt-get install freediameter)");
        assumeTrue(Interop.onPath("openssl"), "openssl not installed (Debian: apt-get install openssl)");
        assumeTrue(Files.exists(DUMPS), "dbg_msg_dumps.fdx not installed (Debian: apt-get install freediameter-extensions)");
        int icfPort = Interop.freePort();
        Path conf = writeConfig(dir, icfPort, 60);
        Path fdLog = dir.resolve("freediameter.log");
        Process fd = null;
        try (IcfServer icf = Interop.start(Interop.config("hss.localdomain", "127.0.0.1:" + icfPort, "6s",
                "mme.localdomain", "localdomain"))) {
            fd = new ProcessBuilder(FD, "-c", conf.toString()).redirectErrorStream(true).redirectOutput(fdLog.toFile()).start();
            assertTrue(Interop.await(Duration.ofSeconds(10), () -> icf.peers().find("mme.localdomain").isPresent()),
                    "freeDiameter never reached Open; its log:\n" + read(fdLog));
            List<String> twoRounds = List.of("STATE_WAITCEA -> STATE_OPEN", "RCV Device-Watchdog-Request", "SND Device-Watchdog-Answer 2001",
                    "RCV Device-Watchdog-Request", "SND Device-Watchdog-Answer 2001");
            assertTrue(Interop.await(Duration.ofSeconds(15),
                    () -> FreeDiameterLog.inOrder(FreeDiameterLog.events(read(fdLog), "hss.localdomain"), twoRounds)),
                    "freeDiameter's events " + FreeDiameterLog.events(read(fdLog), "hss.localdomain") + "\nexpected " + twoRounds);
            assertTrue(icf.peers().find("mme.localdomain").isPresent(), "the ICF kept the connection");
            List<String> events = FreeDiameterLog.events(read(fdLog), "hss.localdomain");
            assertFalse(events.contains("SND Device-Watchdog-Request"), "freeDiameter (Tw 60 s) should not have sent DWR: " + events);
        } finally {
            if (fd != null) {
                fd.destroy();
                if (!fd.waitFor(10, TimeUnit.SECONDS)) {
                    fd.destroyForcibly();
                }
            }
            Interop.keep(dir, "freediameter-icf-watchdog");
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
