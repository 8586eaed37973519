package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.runtime.clients.Client;
import org.junit.jupiter.api.Test;

/**
 * The server's client registry is shared by its protocols: a client of another protocol takes a
 * place under maxclients and counts in INFO, but CLIENT LIST shows RESP clients only.
 */
class SharedClientsTest {
    /** Stands for a client of the PostgreSQL server (next issue). */
    private record PgClient(long id) implements Client {
        @Override public String protocol() { return PG; }
        @Override public String name() { return "psql"; }
        @Override public String address() { return "127.0.0.1:40000"; }
        @Override public long createdMillis() { return System.currentTimeMillis(); }
        @Override public long lastInteractionMillis() { return System.currentTimeMillis(); }
        @Override public void close() {}
    }

    @Test
    void maxclientsCountsEveryProtocolAndClientListShowsRespOnly() throws Exception {
        try (TestServer s = TestServer.start("--maxclients", "2"); RawClient resp = new RawClient(s.port())) {
            PgClient pg = new PgClient(s.server.clients().nextId());
            assertTrue(s.server.clients().tryAdd(pg, 2));
            assertTrue(resp.call("INFO", "clients").contains("connected_clients:2"));
            String list = resp.call("CLIENT", "LIST");
            assertFalse(list.contains("psql"), list);
            assertEquals(1, list.split("id=").length - 1, list);
            try (RawClient third = new RawClient(s.port())) {
                assertEquals("-ERR max number of clients reached", third.read());
            }
            assertTrue(resp.call("INFO", "stats").contains("rejected_connections:1"));
            s.server.clients().remove(pg);
            try (RawClient third = new RawClient(s.port())) {
                assertEquals("+PONG", third.call("PING"), "the place the other protocol's client left");
            }
        }
    }
}
