package io.heliosdb.runtime.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientRegistryTest {
    record Fake(long id, String protocol, long createdMillis) implements Client {
        @Override public String name() { return ""; }
        @Override public String address() { return "127.0.0.1:1"; }
        @Override public long lastInteractionMillis() { return createdMillis + 1500; }
        @Override public void close() {}
    }

    record Pg(long id) implements Client {
        @Override public String protocol() { return PG; }
        @Override public String name() { return "psql"; }
        @Override public String address() { return "127.0.0.1:2"; }
        @Override public long createdMillis() { return 0; }
        @Override public long lastInteractionMillis() { return 0; }
        @Override public void close() {}
    }

    @Test
    void maxclientsCountsEveryProtocolAndRefusalsAreCounted() {
        ClientRegistry r = new ClientRegistry();
        Fake a = new Fake(r.nextId(), Client.RESP, 0);
        Pg b = new Pg(r.nextId());
        assertTrue(r.tryAdd(a, 2));
        assertTrue(r.tryAdd(b, 2));
        assertFalse(r.tryAdd(new Fake(r.nextId(), Client.RESP, 0), 2));
        assertEquals(2, r.size());
        assertEquals(2, r.totalConnections());
        assertEquals(1, r.rejectedConnections());
        assertEquals(1, r.count(Client.PG));
        r.remove(b);
        assertTrue(r.tryAdd(new Pg(r.nextId()), 2), "a place freed by a client of the other protocol");
    }

    @Test
    void idsAreOneSequenceAndLookupsFilterByKind() {
        ClientRegistry r = new ClientRegistry();
        Fake a = new Fake(r.nextId(), Client.RESP, 0);
        Pg b = new Pg(r.nextId());
        assertEquals(a.id() + 1, b.id());
        r.add(a);
        r.add(b);
        assertSame(a, r.get(a.id(), Fake.class));
        assertNull(r.get(b.id(), Fake.class));
        assertEquals(List.of(a), r.all(Fake.class));
        assertEquals(2, r.all().size());
        r.remove(new Fake(b.id(), Client.RESP, 0));
        assertSame(b, r.get(b.id()), "only the client itself is removed under its id");
    }

    @Test
    void ageAndIdleAreWholeSeconds() {
        Fake a = new Fake(1, Client.RESP, 1000);
        assertEquals(4, a.ageSeconds(5999));
        assertEquals(3, a.idleSeconds(5999));
    }
}
