package io.heliosdb.resp.engine;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** All connected clients, for CLIENT LIST/KILL and INFO clients. Thread-safe. */
public final class ClientRegistry {
    private final AtomicLong nextId = new AtomicLong(1);
    private final ConcurrentHashMap<Long, ClientSession> clients = new ConcurrentHashMap<>();
    private final AtomicLong totalConnections = new AtomicLong();
    private final AtomicLong rejectedConnections = new AtomicLong();

    public long nextId() {
        return nextId.getAndIncrement();
    }

    public void add(ClientSession s) {
        clients.put(s.id, s);
        totalConnections.incrementAndGet();
    }

    public void remove(ClientSession s) {
        clients.remove(s.id);
    }

    public ClientSession get(long id) {
        return clients.get(id);
    }

    public Collection<ClientSession> all() {
        return clients.values();
    }

    public int size() {
        return clients.size();
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
