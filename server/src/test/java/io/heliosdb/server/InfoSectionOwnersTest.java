package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.resp.server.RespInfo;
import org.junit.jupiter.api.Test;

/** A section registered by another owner (a PostgreSQL server's, say) takes its place in INFO. */
class InfoSectionOwnersTest {
    @Test
    void anOwnersSectionComesInItsOrderAndOnlyInTheGroupsItChose() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.port())) {
            RespInfo.addSection(s.server.context(), "pg", 1250, false, true,
                    b -> b.append("# Pg\r\n").append("pg_connected_clients:0\r\n"));
            assertEquals("\"# Pg\\r\\npg_connected_clients:0\\r\\n\"", c.call("INFO", "PG"));
            String all = c.call("INFO", "all");
            assertTrue(all.contains("cluster_enabled:0\\r\\n\\r\\n# Pg\\r\\npg_connected_clients:0\\r\\n\\r\\n# Keyspace"), all);
            assertFalse(c.call("INFO").contains("# Pg"));
        }
    }
}
