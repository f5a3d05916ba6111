package org.openmcim.store.hazelcast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.openmcim.store.KeyCipher;

/**
 * Real store members on loopback for tests: free ports picked per cluster, an explicit TCP-IP
 * member list, a real database (H2 file or PostgreSQL). Settings only shorten waits; nothing is
 * stubbed.
 */
final class TestCluster implements AutoCloseable {
    /** Faster joins and failure handling so a suite runs in seconds (Hazelcast cluster properties). */
    static final Map<String, String> FAST = Map.of(
            "hazelcast.wait.seconds.before.join", "0",
            "hazelcast.partition.count", "23",
            "hazelcast.max.no.heartbeat.seconds", "10",
            "hazelcast.heartbeat.interval.seconds", "1",
            "hazelcast.operation.call.timeout.millis", "15000",
            "hazelcast.graceful.shutdown.max.wait", "20");

    private final List<StoreMember> members = new ArrayList<>();
    private final List<String> addresses;
    private final List<Integer> ports;
    private final String clusterName;
    private final DatabaseSettings db;
    private final KeyCipher cipher;

    private TestCluster(int size, DatabaseSettings db, KeyCipher cipher) {
        this.ports = freePorts(size);
        this.addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        this.clusterName = "test-" + Long.toHexString(new SecureRandom().nextLong());
        this.db = db;
        this.cipher = cipher;
    }

    /** Starts {@code size} members sharing {@code db}. */
    static TestCluster start(int size, DatabaseSettings db, KeyCipher cipher) {
        TestCluster c = new TestCluster(size, db, cipher);
        try {
            for (int i = 0; i < size; i++) {
                c.members.add(StoreMember.start(c.settings(i), db, cipher));
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    static DatabaseSettings h2(Path dir, String name) {
        return new DatabaseSettings("jdbc:h2:file:" + dir.resolve(name).toAbsolutePath(), "sa", "", 4, "subscriber");
    }

    static KeyCipher randomCipher() {
        SecureRandom r = new SecureRandom();
        byte[] kek = new byte[KeyCipher.KEK_BYTES];
        r.nextBytes(kek);
        return new KeyCipher(kek, r);
    }

    ClusterSettings settings(int i) {
        return new ClusterSettings(clusterName, "127.0.0.1", ports.get(i), addresses, 1, FAST);
    }

    StoreMember member(int i) {
        return members.get(i);
    }

    KeyCipher cipher() {
        return cipher;
    }

    DatabaseSettings database() {
        return db;
    }

    @Override
    public void close() {
        for (StoreMember m : members) {
            try {
                m.hazelcast().getLifecycleService().terminate();
            } catch (RuntimeException ignored) {
                // already dead (a fault test killed it)
            }
            try {
                m.close();
            } catch (RuntimeException ignored) {
                // pool already closed
            }
        }
        members.clear();
    }

    private static List<Integer> freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // port released either way
                }
            }
        }
    }
}
