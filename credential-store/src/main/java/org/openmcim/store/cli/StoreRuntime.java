package org.openmcim.store.cli;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.openmcim.store.KeyCipher;
import org.openmcim.store.config.StoreConfig;
import org.openmcim.store.hazelcast.StoreMember;

/**
 * What the store commands get from outside: environment, clock, randomness and Hazelcast
 * properties. The launcher uses {@link #system()}; tests pass their own.
 */
public record StoreRuntime(Function<String, String> env, Clock clock, SecureRandom random,
                           Map<String, String> hazelcastProperties) {
    public StoreRuntime {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        hazelcastProperties = Map.copyOf(hazelcastProperties);
    }

    public static StoreRuntime system() {
        return new StoreRuntime(System::getenv, Clock.systemUTC(), new SecureRandom(), Map.of());
    }

    /**
     * Loads the KEK and starts a member of the configured cluster. Public because a service that
     * embeds a member (the ICF launcher) joins with its own, already parsed {@code store:} section.
     *
     * @param configFile the file {@code config} came from: a relative {@code kek.file} resolves
     *                   against its directory
     * @throws org.openmcim.config.ConfigException if the KEK or the database password cannot be had
     */
    public StoreMember join(StoreConfig config, Path configFile) {
        byte[] kek = config.loadKek(configFile.toAbsolutePath().getParent(), env);
        try {
            return StoreMember.start(config.clusterSettings(hazelcastProperties), config.databaseSettings(env),
                    new KeyCipher(kek, random), config.sqnLease());
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }
}
