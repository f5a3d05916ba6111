package org.openmcim.uesim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openmcim.config.ConfigException;
import org.openmcim.uesim.lab.LabEnb;
import org.openmcim.uesim.transport.TransportKind;

import picocli.CommandLine;

/** {@code ue-sim run --config FILE}: the shipped lab file, and every kind of bad file named with its key. */
class UeSimConfigTest {
    static final String GOOD = """
            mme: 127.0.0.2:36412
            transport: tcp-framed
            cell:
              plmn: "00101"
              tac: 12345
              enb-id: 27
            apn: provisioning
            hold: 2s
            """;

    @TempDir
    Path dir;

    @Test
    void shippedLabConfigNamesTheLabMme() {
        UeSimConfig c = UeSimConfig.load(LabEnb.repo().resolve("config/lab/ue-sim.yaml"));
        assertEquals("127.0.0.2", c.mme().getHostString());
        assertEquals(36412, c.mme().getPort());
        assertEquals(TransportKind.TCP_FRAMED, c.transport());
        assertEquals("001", c.plmn().mcc());
        assertEquals("01", c.plmn().mnc());
        assertEquals(12345, c.tac());
        assertEquals(27, c.enbId());
        assertEquals("provisioning", c.apn());
        assertEquals(Duration.ofSeconds(2), c.hold());
        assertEquals(Optional.empty(), c.subscribers());
    }

    @Test
    void subscribersAreRelativeToTheConfigFile() throws Exception {
        Path f = write(GOOD + "subscribers: batches/b1.csv\n");
        assertEquals(Optional.of(dir.resolve("batches/b1.csv").toAbsolutePath().normalize()), UeSimConfig.load(f).subscribers());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mme: 127.0.0.2:36412|mme: 127.0.0.2|mme: expected HOST:PORT",
        "transport: tcp-framed|transport: udp|transport: must be one of sctp, tcp-framed",
        "tac: 12345|tac: 70000|cell.tac:",
        "enb-id: 27|enb-id: 2000000|cell.enb-id:",
        "plmn: \"00101\"|plmn: 00101|cell.plmn:",
        "hold: 2s|hold: soon|hold:",
        "apn: provisioning|apnn: provisioning|apnn: unknown key",
    })
    void badValuesNameFileAndKey(String from, String to, String expected) throws Exception {
        Path f = write(GOOD.replace(from, to));
        ConfigException e = assertThrows(ConfigException.class, () -> UeSimConfig.load(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void runRefusesConfigAndFlagsTogetherAndNeedsSubscribers() throws Exception {
        Path f = write(GOOD);
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new UeSimCommand()).setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("run", "--config", f.toString(), "--mme", "127.0.0.2:36412"));
        assertTrue(err.toString().contains("mutually exclusive"), err.toString());

        StringWriter err2 = new StringWriter();
        CommandLine cl2 = new CommandLine(new UeSimCommand()).setErr(new PrintWriter(err2));
        cl2.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println(ex.getMessage());
            return 2;
        });
        assertEquals(2, cl2.execute("run", "--config", f.toString()));
        assertTrue(err2.toString().contains("no subscribers: give --subscribers BATCH.csv or subscribers: in " + f), err2.toString());
    }

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("ue-sim.yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
