package org.openmcim.store.hazelcast;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one embedded member joins the store cluster (issue #4): TCP-IP join with an explicit member
 * list, multicast, auto-detection and phone-home off, bound to {@code bindHost} only.
 *
 * @param clusterName cluster name; members with another name never join
 * @param bindHost    the address to listen on (127.0.0.1 in tests and the demo)
 * @param port        this member's port (no auto-increment: a busy port is an error)
 * @param members     every member as host:port, this one included
 * @param backupCount synchronous backups per partition (at least 1, so losing one member loses nothing)
 * @param properties  extra Hazelcast properties (tests shorten join waits and timeouts)
 */
public record ClusterSettings(String clusterName, String bindHost, int port, List<String> members, int backupCount,
                              Map<String, String> properties) {
    public ClusterSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(bindHost, "bindHost");
        members = List.copyOf(members);
        properties = Map.copyOf(properties);
        if (backupCount < 1 || backupCount > 6) {
            throw new IllegalArgumentException("backupCount must be 1..6, got " + backupCount);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }
}
