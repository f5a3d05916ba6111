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
    private final ConcurrentHashMap<String, Cell> subscribers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ServingNode> servingNodes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ServingNode> aaaServers = new ConcurrentHashMap<>();
    /** Old PCID → renewed PCID awaiting delivery (NOTE 2). */
    private final Map<String, String> renewals = new HashMap<>();

    @Override
    public Optional<Subscriber> find(String imsi) {
        Cell c = subscribers.get(imsi);
        return c == null ? Optional.empty() : Optional.of(c.current());
    }

    /**
     * One subscriber's record, with its SQN_HE kept apart: a grant (once per AIR) writes the long
     * instead of replacing the record. A record replaced per AIR lived until the subscriber's next
     * AIR, seconds under load, so every young collection copied the fresh ones and scanned the
     * map's old nodes pointing at them (issue #3, young pauses). Guarded by its own monitor.
     */
    private static final class Cell {
        private Subscriber record; // its sqnHe may be behind: the field below is the truth
        private long sqnHe;

        Cell(Subscriber s) {
            set(s);
        }

        synchronized Subscriber current() {
            return record.sqnHe() == sqnHe ? record : record.withSqnHe(sqnHe);
        }

        synchronized void set(Subscriber s) {
            record = s;
            sqnHe = s.sqnHe();
        }
    }

    @Override
    public SqnGrant grantVectors(String imsi, SqnPolicy policy, int ind, int count, Instant now) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        Cell c = subscribers.get(imsi);
        if (c == null) {
            return new SqnGrant.Unknown(imsi);
        }
        synchronized (c) {
            Subscriber s = c.current();
            SqnGrantLogic.Outcome o = SqnGrantLogic.apply(s, policy, ind, count, now);
            Subscriber u = o.updated();
            if (u != s) {
                if (u.state() == s.state()) {
                    c.sqnHe = u.sqnHe(); // the hot path: only SQN_HE moved
                } else {
                    c.set(u);
                }
            }
            return o.grant();
        }
    }

    /** Always decided here: a grant holds its subscriber's monitor for a few field updates, never across I/O. */
    @Override
    public Optional<SqnGrant> grantVectorsWithoutBlocking(String imsi, SqnPolicy policy, int ind, int count, Instant now) {
        return Optional.of(grantVectors(imsi, policy, ind, count, now));
    }

    @Override
    public Optional<Long> resync(String imsi, SqnPolicy policy, long sqnMs) {
        Cell c = subscribers.get(imsi);
        if (c == null) {
            return Optional.empty();
        }
        synchronized (c) {
            c.set(c.current().withSqnHe(HomeSqn.afterResync(policy, c.sqnHe, sqnMs))); // the record checks the range
            return Optional.of(c.sqnHe);
        }
    }

    @Override
    public Optional<CredentialState> transition(String imsi, CredentialState to, Instant at) {
        Cell c = subscribers.get(imsi);
        if (c == null) {
            return Optional.empty();
        }
        synchronized (c) {
            Subscriber s = c.current();
            if (!to.allowedFrom().contains(s.state())) {
                throw new IllegalStateException(imsi + ": " + s.state() + " → " + to + " is not allowed");
            }
            c.set(s.withState(to));
            return Optional.of(s.state());
        }
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
        Cell oldCell = subscribers.get(oldPcid);
        Subscriber old = oldCell == null ? null : oldCell.current();
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
        Map<String, Cell> byImsi = new HashMap<>();
        for (Subscriber s : batch) {
            if (byImsi.put(s.imsi(), new Cell(s)) != null) {
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
