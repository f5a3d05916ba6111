package org.openmcim.store;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.openmcim.aka.sqn.HomeSqn;
import org.openmcim.aka.sqn.SqnPolicy;

/**
 * The store for unit tests and single-process labs: a concurrent map, atomic per subscriber
 * through {@link ConcurrentHashMap#compute}. Nothing survives the process; the Hazelcast store is
 * the real one.
 */
public final class InMemoryCredentialStore implements CredentialStore {
    private final ConcurrentHashMap<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ServingNode> servingNodes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ServingNode> aaaServers = new ConcurrentHashMap<>();
    /** Old PCID → renewed PCID awaiting delivery (NOTE 2). */
    private final Map<String, String> renewals = new HashMap<>();

    @Override
    public Optional<Subscriber> find(String imsi) {
        return Optional.ofNullable(subscribers.get(imsi));
    }

    @Override
    public SqnGrant grantVectors(String imsi, SqnPolicy policy, int ind, int count, Instant now) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        SqnGrant[] result = new SqnGrant[1];
        subscribers.computeIfPresent(imsi, (key, s) -> {
            SqnGrantLogic.Outcome o = SqnGrantLogic.apply(s, policy, ind, count, now);
            result[0] = o.grant();
            return o.updated();
        });
        return result[0] != null ? result[0] : new SqnGrant.Unknown(imsi);
    }

    @Override
    public Optional<Long> resync(String imsi, SqnPolicy policy, long sqnMs) {
        Subscriber s = subscribers.computeIfPresent(imsi,
                (key, cur) -> cur.withSqnHe(HomeSqn.afterResync(policy, cur.sqnHe(), sqnMs)));
        return s == null ? Optional.empty() : Optional.of(s.sqnHe());
    }

    @Override
    public Optional<CredentialState> transition(String imsi, CredentialState to, Instant at) {
        CredentialState[] previous = new CredentialState[1];
        subscribers.computeIfPresent(imsi, (key, s) -> {
            if (!to.allowedFrom().contains(s.state())) {
                throw new IllegalStateException(imsi + ": " + s.state() + " → " + to + " is not allowed");
            }
            previous[0] = s.state();
            return s.withState(to);
        });
        return Optional.ofNullable(previous[0]);
    }

    @Override
    public void recordServingNode(String imsi, ServingNode node) {
        if (subscribers.containsKey(imsi)) {
            servingNodes.put(imsi, node);
        }
    }

    @Override
    public Optional<ServingNode> servingNode(String imsi) {
        return Optional.ofNullable(servingNodes.get(imsi));
    }

    @Override
    public Optional<ServingNode> registerAaaServer(String imsi, ServingNode node) {
        if (!subscribers.containsKey(imsi)) {
            return Optional.empty();
        }
        // The same server registering again refreshes its entry; another one is kept out.
        return Optional.of(aaaServers.merge(imsi, node,
                (current, offered) -> current.host().equalsIgnoreCase(offered.host()) ? offered : current));
    }

    @Override
    public boolean deregisterAaaServer(String imsi, String host) {
        boolean[] removed = new boolean[1];
        aaaServers.computeIfPresent(imsi, (key, current) -> {
            if (current.host().equalsIgnoreCase(host)) {
                removed[0] = true;
                return null;
            }
            return current;
        });
        return removed[0];
    }

    @Override
    public Optional<ServingNode> aaaServer(String imsi) {
        return Optional.ofNullable(aaaServers.get(imsi));
    }

    @Override
    public synchronized void issueRenewal(String oldPcid, Subscriber fresh, Instant at) {
        Subscriber old = subscribers.get(oldPcid);
        if (old == null || old.kind() != SubscriberKind.PCID) {
            throw new IllegalArgumentException("PCID " + oldPcid + " is not in the store");
        }
        if (renewals.containsKey(oldPcid)) {
            throw new IllegalArgumentException("PCID " + oldPcid + " already has renewal " + renewals.get(oldPcid) + " pending");
        }
        insertAll(java.util.List.of(fresh));
        renewals.put(oldPcid, fresh.imsi());
    }

    @Override
    public synchronized Optional<String> pendingRenewal(String oldPcid) {
        return Optional.ofNullable(renewals.get(oldPcid));
    }

    @Override
    public synchronized Optional<String> renewalInstalled(String oldPcid, Instant at) {
        String fresh = renewals.get(oldPcid);
        if (fresh == null) {
            return Optional.empty();
        }
        transition(oldPcid, CredentialState.REPLACED, at);
        renewals.remove(oldPcid);
        return Optional.of(fresh);
    }

    @Override
    public synchronized void insertAll(Collection<Subscriber> batch) {
        Map<String, Subscriber> byImsi = new HashMap<>();
        for (Subscriber s : batch) {
            if (byImsi.put(s.imsi(), s) != null) {
                throw new IllegalArgumentException("IMSI " + s.imsi() + " appears twice in the batch");
            }
            if (subscribers.containsKey(s.imsi())) {
                throw new IllegalArgumentException("IMSI " + s.imsi() + " already exists");
            }
        }
        subscribers.putAll(byImsi);
    }

    @Override
    public boolean delete(String imsi) {
        servingNodes.remove(imsi);
        aaaServers.remove(imsi);
        return subscribers.remove(imsi) != null;
    }

    @Override
    public long size() {
        return subscribers.size();
    }

    @Override
    public void close() {
        // nothing held
    }
}
