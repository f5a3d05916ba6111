package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.openmcim.dpf.HazelcastRecords;
import org.openmcim.dpf.NonceLedger;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/** The nonce ledger over a Hazelcast map (one loopback member): one consume per nonce under contention. */
class HazelcastRecordsTest {
    @Test
    void aNonceIsConsumedOnceInTheCluster() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Config c = new Config();
        c.setClusterName("drfdpf-test-" + port);
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.logging.type", "jdk");
        c.setProperty("hazelcast.wait.seconds.before.join", "0");
        c.setProperty("hazelcast.partition.count", "7");
        c.getNetworkConfig().setPort(port).setPortAutoIncrement(false).getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        c.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        c.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        c.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1:" + port));
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(c);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            NonceLedger drf = new NonceLedger(HazelcastRecords.of(hz, "nonces-issued"), HazelcastRecords.of(hz, "nonces-used"));
            NonceLedger dpf = new NonceLedger(HazelcastRecords.of(hz, "nonces-issued"), HazelcastRecords.of(hz, "nonces-used"));
            Instant now = Instant.now();
            for (int i = 0; i < 10; i++) {
                String nonce = "hz" + i;
                drf.record(new NonceLedger.Issued(nonce, "001010000000001", null, "sho1", now, now.plusSeconds(60)));
                List<Callable<NonceLedger.Consume>> tasks = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    tasks.add(() -> dpf.consume(nonce));
                }
                int won = 0;
                for (Future<NonceLedger.Consume> f : pool.invokeAll(tasks)) {
                    won += f.get() == NonceLedger.Consume.CONSUMED ? 1 : 0;
                }
                assertEquals(1, won, nonce);
            }
            assertEquals(NonceLedger.Consume.UNKNOWN, dpf.consume("nope"));
            assertTrue(dpf.find("hz3").isPresent());
        } finally {
            pool.shutdownNow();
            hz.shutdown();
        }
    }
}
