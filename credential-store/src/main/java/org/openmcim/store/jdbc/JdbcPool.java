package org.openmcim.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed-size JDBC connection pool, enough for a MapStore called from a handful of partition
 * threads, without another dependency. A connection whose use failed is closed and reopened on the
 * next borrow, so a restarted database is picked up again.
 */
public final class JdbcPool implements AutoCloseable {
    private final String url;
    private final String user;
    private final String password;
    private final BlockingQueue<Slot> idle;
    private final long borrowTimeoutMillis;
    private volatile boolean closed;

    /** One pool place; {@code connection} is null until first used or after a failure. */
    private static final class Slot {
        Connection connection;
    }

    public JdbcPool(String url, String user, String password, int size, long borrowTimeoutMillis) {
        this.url = Objects.requireNonNull(url, "url");
        this.user = user;
        this.password = password;
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be at least 1, got " + size);
        }
        this.idle = new ArrayBlockingQueue<>(size);
        this.borrowTimeoutMillis = borrowTimeoutMillis;
        for (int i = 0; i < size; i++) {
            idle.add(new Slot());
        }
    }

    /**
     * Runs {@code work} on a pooled connection. Auto-commit is on; work that turns it off must
     * commit itself (anything left uncommitted is rolled back when the connection comes back).
     *
     * @throws StoreUnavailableException on any SQL error (message from the driver: no key material
     *                                   ever goes into SQL text, only as bound ciphertext)
     */
    public <T> T with(SqlFunction<T> work) {
        Slot slot = borrow();
        boolean broken = true;
        try {
            T result = work.apply(slot.connection);
            broken = false;
            return result;
        } catch (SQLException e) {
            throw new StoreUnavailableException("database error: " + e.getMessage(), e);
        } finally {
            giveBack(slot, broken);
        }
    }

    private Slot borrow() {
        if (closed) {
            throw new StoreUnavailableException("database pool closed", null);
        }
        Slot slot;
        try {
            slot = idle.poll(borrowTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted waiting for a database connection", e);
        }
        if (slot == null) {
            throw new StoreUnavailableException("no database connection free within " + borrowTimeoutMillis + " ms", null);
        }
        if (slot.connection == null) {
            try {
                slot.connection = DriverManager.getConnection(url, properties());
            } catch (SQLException e) {
                idle.add(slot);
                throw new StoreUnavailableException("cannot connect to " + url + ": " + e.getMessage(), e);
            }
        }
        return slot;
    }

    /**
     * User and password, and for PostgreSQL {@code reWriteBatchedInserts=true} unless the URL says
     * otherwise: pgjdbc then sends a bulk insert's JDBC batch as multi-row INSERTs instead of one
     * statement per row (pgjdbc documentation, "reWriteBatchedInserts"); same transaction, same
     * all-or-nothing.
     */
    private java.util.Properties properties() {
        java.util.Properties p = new java.util.Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        if (url.startsWith("jdbc:postgresql:") && !url.contains("reWriteBatchedInserts")) {
            p.setProperty("reWriteBatchedInserts", "true");
        }
        return p;
    }

    private void giveBack(Slot slot, boolean broken) {
        Connection c = slot.connection;
        if (!broken && !closed) {
            try {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
                idle.add(slot);
                return;
            } catch (SQLException e) {
                // fall through: unusable
            }
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // it is being dropped anyway
        }
        slot.connection = null;
        idle.add(slot);
    }

    @Override
    public void close() {
        closed = true;
        for (Slot s : idle) {
            if (s.connection != null) {
                try {
                    s.connection.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
                s.connection = null;
            }
        }
    }

    /** Work on one connection. */
    @FunctionalInterface
    public interface SqlFunction<T> {
        T apply(Connection c) throws SQLException;
    }
}
