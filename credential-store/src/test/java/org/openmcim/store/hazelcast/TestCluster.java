package org.openmcim.store.hazelcast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    /**
     * SQN lease L of the members unless a test says otherwise: small, so that the contract's
     * hundreds of grants per PCID cross ceilings (database commits) as well as grant inside them.
     */
    static final int LEASE = 10;

    private final List<StoreMember> members = new ArrayList<>();
    private final List<String> addresses;
    private final List<Integer> ports;
    private final String clusterName;
    private final DatabaseSettings db;
    private final KeyCipher cipher;
    private final int lease;
    /** B of each member ({@link SqnBlocks}); 0 for all unless a test says otherwise. */
    private final SqnBlocks.Settings[] blocks;

    private TestCluster(int size, DatabaseSettings db, KeyCipher cipher, int lease, SqnBlocks.Settings[] blocks) {
        this.ports = freePorts(size);
        this.addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        this.clusterName = "test-" + Long.toHexString(new SecureRandom().nextLong());
        this.db = db;
        this.cipher = cipher;
        this.lease = lease;
        this.blocks = blocks;
    }

    /** Starts {@code size} members sharing {@code db}, with SQN lease {@link #LEASE}. */
    static TestCluster start(int size, DatabaseSettings db, KeyCipher cipher) {
        return start(size, db, cipher, LEASE);
    }

    /** Starts {@code size} members sharing {@code db}, with SQN lease {@code lease}. */
    static TestCluster start(int size, DatabaseSettings db, KeyCipher cipher, int lease) {
        return start(size, db, cipher, lease, new int[size]);
    }

    /**
     * Starts one member per entry of {@code blocks}, each with that SQN block B (default validity and
     * renewal ahead), sharing {@code db}.
     */
    static TestCluster start(int size, DatabaseSettings db, KeyCipher cipher, int lease, int[] blocks) {
        SqnBlocks.Settings[] settings = new SqnBlocks.Settings[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            settings[i] = SqnBlocks.Settings.of(blocks[i]);
        }
        return start(size, db, cipher, lease, settings);
    }

    /** Starts one member per entry of {@code blocks}, each with those SQN block settings, sharing {@code db}. */
    static TestCluster start(int size, DatabaseSettings db, KeyCipher cipher, int lease, SqnBlocks.Settings[] blocks) {
        if (blocks.length != size) {
            throw new IllegalArgumentException("one block size per member");
        }
        TestCluster c = new TestCluster(size, db, cipher, lease, blocks.clone());
        try {
            for (int i = 0; i < size; i++) {
                c.members.add(StoreMember.start(c.settings(i), db, cipher, lease, blocks[i]));
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

    /**
     * The SQN the database row holds for {@code imsi} (the committed lease ceiling), read with
     * plain JDBC rather than through the store under test.
     */
    static long committedSqn(DatabaseSettings db, String imsi) {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             PreparedStatement ps = c.prepareStatement("SELECT sqn_he FROM " + db.table() + " WHERE imsi = ?")) {
            ps.setString(1, imsi);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("no row for " + imsi);
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
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

    /** Waits until no partition migrates (owners settled), so tests can ask who owns what. */
    void awaitSafe() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!members.get(0).hazelcast().getPartitionService().isClusterSafe()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("cluster not safe after 60 s");
            }
            Thread.sleep(50);
        }
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
