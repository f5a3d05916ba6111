package org.openmcim.uesim;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.config.ConfigNode;
import org.openmcim.uesim.transport.TransportKind;

/**
 * What {@code openmcim ue-sim run --config FILE} reads (config/lab/ue-sim.yaml): the MME the
 * simulated eNB connects to, the cell it announces in S1 Setup (TS 36.413 §8.7.3: PLMN in the
 * Global eNB ID and the supported TAs), the APN the UEs ask for, how long each stays registered and,
 * optionally, the supplier batch of subscribers (a path relative to the config file). Validated
 * when loaded: a misspelt key, a bad address or an out-of-range value names the file and the key.
 */
public record UeSimConfig(InetSocketAddress mme, TransportKind transport, PlmnId plmn, int tac, int enbId, String apn,
                          Duration hold, Optional<Path> subscribers) {
    public static UeSimConfig load(Path file) {
        ConfigNode c = ConfigNode.load(file);
        InetSocketAddress at = c.hostPort("mme");
        TransportKind transport = TransportKind.parse(c.oneOf("transport", "sctp", "sctp", "tcp-framed"));
        ConfigNode cell = c.child("cell");
        PlmnId plmn = cell.parsed("plmn", PlmnId::parse);
        // TAC is 16 bits (TS 36.413 §9.2.3.7); a macro eNB ID 20 bits (§9.2.1.37).
        int tac = (int) cell.integer("tac", 0, 0xFFFF, 12345);
        int enbId = (int) cell.integer("enb-id", 0, 0xFFFFF, 27);
        cell.rejectUnknownKeys();
        String apn = c.string("apn", "provisioning");
        if (apn.isBlank() || apn.length() > 100) {
            throw c.error("apn", "must be 1..100 characters (TS 23.003 §9.1)");
        }
        Duration hold = c.duration("hold", Duration.ofSeconds(2));
        if (hold.isNegative()) {
            throw c.error("hold", "must not be negative");
        }
        Path dir = file.toAbsolutePath().getParent();
        Optional<Path> subscribers = c.optionalString("subscribers").map(s -> dir.resolve(s).normalize());
        c.rejectUnknownKeys();
        return new UeSimConfig(new InetSocketAddress(at.getHostString(), at.getPort()), transport, plmn, tac, enbId, apn, hold,
                subscribers);
    }
}
