package org.openmcim.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Types;

import org.openmcim.store.Imsi;

/**
 * The credential store's bulk insert on H2 alone, without the cluster (docs/benchmarks.md, issue
 * #4 import): N rows of the subscriber table's 19 columns (random 44-byte blobs for the K/OPc
 * ciphertexts), JDBC batches of 1,000, committed every {@code commit-every} rows (default: one
 * transaction). {@code varchar} is the schema-1 key (imsi VARCHAR(15) PRIMARY KEY), {@code bigint}
 * schema 2 (id BIGINT PRIMARY KEY plus the imsi text). Anything after the count is appended to the
 * JDBC URL, e.g. {@code ;CACHE_SIZE=1048576}. Prints the wall time of the inserts and commits.
 *
 * <pre>java -cp bench/target/benchmarks.jar org.openmcim.bench.H2InsertProbe bigint 1000000 [commit-every] [;URL-SETTINGS]</pre>
 */
public final class H2InsertProbe {
    private H2InsertProbe() {
    }

    public static void main(String[] a) throws Exception {
        boolean big = switch (a[0]) {
            case "bigint" -> true;
            case "varchar" -> false;
            default -> throw new IllegalArgumentException("key must be bigint or varchar, got " + a[0]);
        };
        int n = Integer.parseInt(a[1]);
        int commitEvery = a.length > 2 ? Integer.parseInt(a[2]) : Integer.MAX_VALUE;
        String settings = a.length > 3 ? a[3] : "";
        Path dir = WorkDirectory.create("h2probe");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db") + settings, "sa", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (" + (big ? "id BIGINT PRIMARY KEY, imsi VARCHAR(15) NOT NULL" : "imsi VARCHAR(15) PRIMARY KEY")
                    + ", kind VARCHAR(8) NOT NULL, algorithm VARCHAR(10) NOT NULL, k_enc VARBINARY(128) NOT NULL, "
                    + "opc_enc VARBINARY(128) NOT NULL, amf VARBINARY(128) NOT NULL, sqn_he BIGINT NOT NULL, state VARCHAR(16) NOT NULL, "
                    + "issued_at_s BIGINT NOT NULL, issued_at_ns INTEGER NOT NULL, lifetime_s BIGINT, lifetime_ns INTEGER, "
                    + "issuer VARCHAR(255), profile VARCHAR(255), msisdn VARCHAR(15), serving_host VARCHAR(255), "
                    + "serving_realm VARCHAR(255), serving_at_s BIGINT, serving_at_ns INTEGER)");
            int columns = big ? 20 : 19;
            SecureRandom random = new SecureRandom();
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?" + ", ?".repeat(columns - 1) + ")")) {
                for (int i = 0; i < n; i++) {
                    String imsi = String.format("00101%010d", i);
                    byte[] k = new byte[44];
                    byte[] opc = new byte[44];
                    random.nextBytes(k);
                    random.nextBytes(opc);
                    int p = 1;
                    if (big) {
                        ps.setLong(p++, Imsi.key(imsi));
                    }
                    ps.setString(p++, imsi);
                    ps.setString(p++, "PCID");
                    ps.setString(p++, "MILENAGE");
                    ps.setBytes(p++, k);
                    ps.setBytes(p++, opc);
                    ps.setBytes(p++, new byte[] {(byte) 0x80, 0});
                    ps.setLong(p++, 0);
                    ps.setString(p++, "ISSUED");
                    ps.setLong(p++, 1_795_000_000L);
                    ps.setInt(p++, 0);
                    ps.setLong(p++, 31_536_000L);
                    ps.setInt(p++, 0);
                    ps.setString(p++, "chtif-load");
                    ps.setString(p++, "provisioning");
                    ps.setNull(p++, Types.VARCHAR);
                    ps.setNull(p++, Types.VARCHAR);
                    ps.setNull(p++, Types.VARCHAR);
                    ps.setNull(p++, Types.BIGINT);
                    ps.setNull(p, Types.INTEGER);
                    ps.addBatch();
                    if ((i + 1) % 1000 == 0) {
                        ps.executeBatch();
                    }
                    if ((i + 1) % commitEvery == 0) {
                        c.commit();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
            System.out.printf("%s key, %,d rows, commit every %s, URL settings '%s': %.1f s%n", a[0], n,
                    commitEvery == Integer.MAX_VALUE ? "(one transaction)" : String.format("%,d", commitEvery), settings,
                    (System.nanoTime() - t0) / 1e9);
        }
    }
}
