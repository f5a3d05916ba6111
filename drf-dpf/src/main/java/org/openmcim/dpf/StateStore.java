package org.openmcim.dpf;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

import org.openmcim.config.ConfigException;
import org.openmcim.config.ConfigNode;
import org.openmcim.store.cli.StoreRuntime;
import org.openmcim.store.config.StoreConfig;
import org.openmcim.store.hazelcast.StoreMember;

/**
 * Where a DRF or DPF keeps the registry, the nonce ledger and the download sessions, as its
 * configuration chooses ({@code store:} in drf.yaml / dpf.yaml):
 *
 * <ul>
 * <li>{@code type: directory} (the default): {@link DirectoryRecords} under {@code state-dir}; a DRF
 * and a DPF on one host share it. A DPF restart loses nothing (TR 33.812 step 17 resumes).</li>
 * <li>{@code type: hazelcast}: {@link HazelcastRecords} in the RO's credential-store cluster. The
 * process embeds a member (credential-store {@link StoreMember}, like the ICF and the SHO's HSS)
 * from the store file named by {@code config}, so DRFs and DPFs on several hosts share one ledger
 * (a nonce is consumed once cluster-wide) and a download survives the loss of the DPF that
 * started it. The same member gives the DPF the ICF's PCID records, so it moves a PCID to
 * PROVISIONING and RETIRED itself ({@link PcidLifecycle#of}).</li>
 * </ul>
 */
public final class StateStore implements AutoCloseable {
    public enum Type { DIRECTORY, HAZELCAST }

    /**
     * The validated choice.
     *
     * @param stateDir    for {@link Type#DIRECTORY}: the directory of the tables; null otherwise
     * @param clusterFile for {@link Type#HAZELCAST}: the store file (its directory resolves a relative {@code kek.file})
     * @param cluster     for {@link Type#HAZELCAST}: that file, parsed and validated
     */
    public record Config(Type type, Path stateDir, Path clusterFile, StoreConfig cluster) {
        /** In the state directory {@code dir}. */
        public static Config directory(Path dir) {
            return new Config(Type.DIRECTORY, dir, null, null);
        }

        /**
         * Reads {@code store:} and {@code state-dir} from a DRF or DPF configuration; every mistake is a
         * {@link ConfigException} naming the file and the key (and, for the store file, that file's key).
         */
        public static Config from(ConfigNode root, Path base) {
            Optional<ConfigNode> sn = root.optionalChild("store");
            Type type = Type.DIRECTORY;
            Optional<String> file = Optional.empty();
            if (sn.isPresent()) {
                ConfigNode n = sn.get();
                type = Type.valueOf(n.oneOf("type", "directory", "directory", "hazelcast").toUpperCase(java.util.Locale.ROOT));
                file = n.optionalString("config");
                n.rejectUnknownKeys();
                if (type == Type.HAZELCAST && file.isEmpty()) {
                    throw n.error("config", "required for type hazelcast: the RO's store cluster file (like config/store.yaml), "
                            + "with this process's own member port");
                }
                if (type == Type.DIRECTORY && file.isPresent()) {
                    throw n.error("config", "only for type hazelcast; type directory keeps the records in state-dir");
                }
            }
            if (type == Type.HAZELCAST) {
                if (root.has("state-dir")) {
                    throw root.error("state-dir", "not used with store.type hazelcast (the records live in the cluster): remove it");
                }
                Path f = base.resolve(file.get());
                try {
                    return new Config(type, null, f, StoreConfig.load(f));
                } catch (ConfigException e) {
                    // Both files named: which line of this file pointed at which mistake in the other.
                    throw sn.get().error("config", e.getMessage());
                }
            }
            if (!root.has("state-dir")) {
                throw root.error("state-dir", "required with store type directory (the default): the directory of the registry, "
                        + "the nonce ledger and the download sessions, the same for the DRF and the DPF");
            }
            return directory(base.resolve(root.string("state-dir")));
        }

        /** For a service's start-up line: where the records are. */
        public String describe() {
            return type == Type.DIRECTORY ? "in " + stateDir
                    : "in the Hazelcast cluster " + cluster.cluster().name() + " (member " + cluster.cluster().bind() + ":"
                            + cluster.cluster().port() + ", " + clusterFile + ")";
        }
    }

    private final Function<String, Records> tables;
    private final PcidLifecycle pcids;
    private final StoreMember member;

    private StateStore(Function<String, Records> tables, PcidLifecycle pcids, StoreMember member) {
        this.tables = tables;
        this.pcids = pcids;
        this.member = member;
    }

    /**
     * Opens the tables {@code config} names; for Hazelcast this starts and joins a store member
     * (KEK and database password from {@code runtime}'s environment) and blocks until it has joined.
     */
    public static StateStore open(Config config, StoreRuntime runtime) {
        if (config.type() == Type.DIRECTORY) {
            return new StateStore(name -> new DirectoryRecords(config.stateDir().resolve(name), runtime.random()), PcidLifecycle.none(), null);
        }
        StoreMember m = runtime.join(config.cluster(), config.clusterFile());
        return new StateStore(name -> HazelcastRecords.of(m.hazelcast(), name), PcidLifecycle.of(m.store()), m);
    }

    /** Table by name: {@code registry}, {@code nonces-issued}, {@code nonces-used}, {@code sessions}. */
    public Function<String, Records> tables() {
        return tables;
    }

    /** The ICF's PCID records when they are reachable (Hazelcast), otherwise a no-op. */
    public PcidLifecycle pcids() {
        return pcids;
    }

    /** The embedded store member (Hazelcast), if any. */
    public Optional<StoreMember> member() {
        return Optional.ofNullable(member);
    }

    /** Leaves the cluster gracefully (partitions, sessions included, handed to the other members). */
    @Override
    public void close() {
        if (member != null) {
            member.close();
        }
    }

    /** A service ({@code DrfServer}, {@code DpfServer}) running on a store: closed first, then the store. */
    public record Serving<S extends AutoCloseable>(S server, StateStore state) implements AutoCloseable {
        @Override
        public void close() {
            try {
                server.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing " + server + ": " + e.getMessage(), e);
            } finally {
                state.close();
            }
        }
    }

    /** Starts a service on an open store. */
    public interface Starter<S extends AutoCloseable> {
        S start(StateStore state) throws InterruptedException;
    }

    /**
     * Opens the configured store (for Hazelcast: joins the cluster as a member) and starts a service
     * on it; if the service does not start, the store is closed again. What the drf and dpf commands
     * run, and what tests and benchmarks start with their own {@code runtime}.
     */
    public static <S extends AutoCloseable> Serving<S> serve(Config config, StoreRuntime runtime, Starter<S> starter)
            throws InterruptedException {
        StateStore state = open(config, runtime);
        try {
            return new Serving<>(starter.start(state), state);
        } catch (InterruptedException | RuntimeException e) {
            state.close();
            throw e;
        }
    }
}
