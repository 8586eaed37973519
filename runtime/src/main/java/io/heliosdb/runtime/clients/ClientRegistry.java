package io.heliosdb.runtime.clients;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every connected client of every protocol: one id sequence, one count that maxclients limits,
 * the connection counters INFO reports. Thread-safe; touched when a client connects or leaves,
 * never per request.
 */
public final class ClientRegistry {
    private final AtomicLong nextId = new AtomicLong(1);
    private final ConcurrentHashMap<Long, Client> clients = new ConcurrentHashMap<>();
    private final AtomicLong totalConnections = new AtomicLong();
    private final AtomicLong rejectedConnections = new AtomicLong();

    public long nextId() {
        return nextId.getAndIncrement();
    }

    /**
     * Adds the client unless {@code maxClients} are connected already (all protocols together);
     * a refusal is counted as a rejected connection. False when refused.
     */
    public boolean tryAdd(Client c, long maxClients) {
        if (clients.size() >= maxClients) {
            rejectedConnections.incrementAndGet();
            return false;
        }
        add(c);
        return true;
    }

    public void add(Client c) {
        clients.put(c.id(), c);
        totalConnections.incrementAndGet();
    }

    public void remove(Client c) {
        clients.remove(c.id(), c);
    }

    public Client get(long id) {
        return clients.get(id);
    }

    public Collection<Client> all() {
        return Collections.unmodifiableCollection(clients.values());
    }

    /** The clients of one kind (one protocol's sessions), in no particular order. */
    public <C extends Client> List<C> all(Class<C> type) {
        List<C> out = new ArrayList<>();
        for (Client c : clients.values()) {
            if (type.isInstance(c)) {
                out.add(type.cast(c));
            }
        }
        return out;
    }

    /** The client under {@code id} if it is of that kind, else null. */
    public <C extends Client> C get(long id, Class<C> type) {
        Client c = clients.get(id);
        return type.isInstance(c) ? type.cast(c) : null;
    }

    /** Connected clients, all protocols. */
    public int size() {
        return clients.size();
    }

    public int count(String protocol) {
        int n = 0;
        for (Client c : clients.values()) {
            if (c.protocol().equals(protocol)) {
                n++;
            }
        }
        return n;
    }

    public long totalConnections() {
        return totalConnections.get();
    }

    public void rejected() {
        rejectedConnections.incrementAndGet();
    }

    public long rejectedConnections() {
        return rejectedConnections.get();
    }
}
