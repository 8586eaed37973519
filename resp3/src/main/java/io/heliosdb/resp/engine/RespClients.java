package io.heliosdb.resp.engine;

import io.heliosdb.runtime.clients.ClientRegistry;
import java.util.List;

/**
 * The RESP sessions among the shared registry's clients, for CLIENT LIST/KILL, tracking and ACL.
 * Counts (size, connections received, rejected) are the shared ones: maxclients and INFO's
 * clients and stats sections count every protocol. Thread-safe.
 */
public final class RespClients {
    private final ClientRegistry shared;

    public RespClients(ClientRegistry shared) {
        this.shared = shared;
    }

    /** Every protocol's clients. */
    public ClientRegistry shared() {
        return shared;
    }

    public long nextId() {
        return shared.nextId();
    }

    /** False, counted as rejected, when maxclients are connected already. */
    public boolean tryAdd(ClientSession s, long maxClients) {
        return shared.tryAdd(s, maxClients);
    }

    public void remove(ClientSession s) {
        shared.remove(s);
    }

    public ClientSession get(long id) {
        return shared.get(id, ClientSession.class);
    }

    public List<ClientSession> all() {
        return shared.all(ClientSession.class);
    }

    public int size() {
        return shared.size();
    }

    public long totalConnections() {
        return shared.totalConnections();
    }

    public long rejectedConnections() {
        return shared.rejectedConnections();
    }
}
