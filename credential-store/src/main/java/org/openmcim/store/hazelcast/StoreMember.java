package org.openmcim.store.hazelcast;

import java.util.Objects;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SerializerConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import org.openmcim.store.KeyCipher;
import org.openmcim.store.jdbc.JdbcPool;
import org.openmcim.store.jdbc.SubscriberTable;

/**
 * One embedded store member: a Hazelcast instance joined to the store cluster, its connection pool
 * to the shared database, and the {@link HazelcastCredentialStore} the service in this JVM uses.
 * Every service (ICF, SHO HSS, CHTIF tools) starts one of these; there is no separate store server.
 */
public final class StoreMember implements AutoCloseable {
    /** The IMap holding {@link StoredSubscriber} values by IMSI. */
    public static final String MAP_NAME = "subscribers";
    /** SWx AAA server registrations: replicated, not persisted (soft state, see HazelcastCredentialStore). */
    public static final String AAA_MAP_NAME = "aaa-servers";

    private final HazelcastInstance hazelcast;
    private final JdbcPool pool;
    private final SubscriberTable table;
    private final HazelcastCredentialStore store;

    private StoreMember(HazelcastInstance hazelcast, JdbcPool pool, SubscriberTable table, KeyCipher cipher, int sqnLease,
                        SqnBlocks.Settings sqnBlocks) {
        this.hazelcast = hazelcast;
        this.pool = pool;
        this.table = table;
        this.store = new HazelcastCredentialStore(hazelcast, hazelcast.getMap(MAP_NAME), hazelcast.getMap(AAA_MAP_NAME), table,
                cipher, sqnLease, sqnBlocks, System::nanoTime);
        if (store.blocks() != null) {
            // Lets SqnBlocks.Drop, run on this member by another's state change, find the blocks.
            hazelcast.getUserContext().put(SqnBlocks.USER_CONTEXT_KEY, store.blocks());
        }
    }

    /** {@link #start(ClusterSettings, DatabaseSettings, KeyCipher, int, int)} without member-local SQN blocks. */
    public static StoreMember start(ClusterSettings cluster, DatabaseSettings db, KeyCipher cipher, int sqnLease) {
        return start(cluster, db, cipher, sqnLease, 0);
    }

    /**
     * Creates the table if absent, starts the member, joins the cluster and loads the map (eagerly:
     * see {@link SubscriberMapStore}). Blocks until all of that is done.
     *
     * @param sqnLease L of {@link SqnLease}: SEQ values this member's grants take per database
     *                 commit, 0..{@link SqnLease#MAX} (0 writes every grant through)
     * @param sqnBlock B of {@link SqnBlocks}: SEQ values this member reserves per subscriber and grants
     *                 from its own memory, 0..{@link SqnBlocks#MAX} (0: every grant through the cluster)
     */
    public static StoreMember start(ClusterSettings cluster, DatabaseSettings db, KeyCipher cipher, int sqnLease,
                                    int sqnBlock) {
        return start(cluster, db, cipher, sqnLease, SqnBlocks.Settings.of(SqnBlocks.check(sqnBlock)));
    }

    /**
     * {@link #start(ClusterSettings, DatabaseSettings, KeyCipher, int, int)} with the blocks' validity
     * and renewal too ({@code sqn.block-validity}, {@code sqn.block-renew-percent}).
     */
    public static StoreMember start(ClusterSettings cluster, DatabaseSettings db, KeyCipher cipher, int sqnLease,
                                    SqnBlocks.Settings sqnBlocks) {
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(sqnBlocks, "sqnBlocks");
        SqnLease.check(sqnLease);
        JdbcPool pool = new JdbcPool(db.url(), db.user(), db.password(), db.poolSize(), 5_000);
        try {
            SubscriberTable table = new SubscriberTable(pool, SubscriberTable.Dialect.of(db.url()), db.table());
            table.createIfAbsent();
            Config config = config(cluster, new SubscriberMapStore(table));
            // Announced to the cluster: a state change asks only members with blocks to drop them, and
            // waits for this member's validity if it does not answer.
            config.getMemberAttributeConfig().setAttribute(SqnBlocks.ATTRIBUTE, Integer.toString(sqnBlocks.size()));
            config.getMemberAttributeConfig().setAttribute(SqnBlocks.VALIDITY_ATTRIBUTE,
                    Long.toString(sqnBlocks.validity().toMillis()));
            HazelcastInstance hz = Hazelcast.newHazelcastInstance(config);
            return new StoreMember(hz, pool, table, cipher, sqnLease, sqnBlocks);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The Hazelcast configuration (issue #4 constraints; facts from the Hazelcast 5 reference manual). */
    static Config config(ClusterSettings s, SubscriberMapStore mapStore) {
        Config c = new Config();
        c.setClusterName(s.clusterName());
        // No phone-home (usage statistics to the vendor): the store talks to its peers only.
        c.setProperty("hazelcast.phone.home.enabled", "false");
        // Listen on the configured address only, never on 0.0.0.0.
        c.setProperty("hazelcast.socket.bind.any", "false");
        // No shutdown hook: the owning service decides when its member leaves.
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        if (System.getProperty("hazelcast.logging.type") == null) {
            c.setProperty("hazelcast.logging.type", "jdk");
        }
        s.properties().forEach(c::setProperty);

        NetworkConfig net = c.getNetworkConfig();
        net.setPort(s.port()).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface(s.bindHost());
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(s.members());

        // Lets PendingKeys, run on this member, find its map store (keys of a bulk insert under way).
        c.getUserContext().put(SubscriberMapStore.USER_CONTEXT_KEY, mapStore);

        c.getSerializationConfig().addSerializerConfig(new SerializerConfig()
                .setTypeClass(StoredSubscriber.class).setImplementation(new StoredSubscriberSerializer()));
        c.getSerializationConfig().addDataSerializableFactory(Processors.FACTORY_ID, new Processors.Factory());

        MapStoreConfig persistence = new MapStoreConfig()
                .setEnabled(true)
                .setImplementation(mapStore)
                .setWriteDelaySeconds(0) // write-through, never write-behind
                .setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER);
        c.addMapConfig(new MapConfig(MAP_NAME)
                .setBackupCount(s.backupCount())
                .setAsyncBackupCount(0)
                .setInMemoryFormat(InMemoryFormat.BINARY)
                .setStatisticsEnabled(true)
                .setMapStoreConfig(persistence));
        return c;
    }

    public HazelcastCredentialStore store() {
        return store;
    }

    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /** This member's map store (its write counters show what the SQN leases save). */
    public SubscriberMapStore mapStore() {
        return (SubscriberMapStore) hazelcast.getConfig().getUserContext().get(SubscriberMapStore.USER_CONTEXT_KEY);
    }

    public SubscriberTable table() {
        return table;
    }

    /** Leaves the cluster gracefully (partitions handed over), then closes the pool. */
    @Override
    public void close() {
        try {
            hazelcast.shutdown();
        } finally {
            pool.close();
        }
    }

    /** Dies without handing anything over, as a crashed process would (fault tests only). */
    public void kill() {
        try {
            hazelcast.getLifecycleService().terminate();
        } finally {
            pool.close();
        }
    }
}
