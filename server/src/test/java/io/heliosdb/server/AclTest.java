package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

/** ACL users through Jedis: AUTH with a user, NOPERM, ACL LOG, the aclfile across a restart. */
class AclTest {
    @Test
    void usersAreLimitedToTheirCommandsKeysAndChannelsAndSurviveARestartThroughTheAclfile() throws Exception {
        Path dir = Files.createTempDirectory("helios-acl");
        Path aclfile = dir.resolve("users.acl");
        Files.writeString(aclfile, "");
        Object[] listed = new Object[1];
        try {
            try (TestServer s = TestServer.startOn(dir, "--aclfile", aclfile.toString());
                 Jedis admin = new Jedis("127.0.0.1", s.port()); Jedis app = new Jedis("127.0.0.1", s.port())) {
                assertEquals("OK", admin.aclSetUser("app", "on", ">s3cret", "~app:*", "%R~shared:*", "&events.*", "+@read", "+@write",
                        "-flushall", "+publish"));
                assertThrows(JedisAccessControlException.class, () -> app.auth("app", "wrong"));
                assertEquals("OK", app.auth("app", "s3cret"));
                assertEquals("OK", app.set("app:1", "v"));
                assertEquals("v", app.get("app:1"));
                admin.set("shared:x", "s");
                assertEquals("s", app.get("shared:x"));
                JedisDataException key = assertThrows(JedisDataException.class, () -> app.set("shared:x", "mine"));
                assertEquals("NOPERM this user has no permissions to access one of the keys used as arguments", key.getMessage());
                JedisDataException cmd = assertThrows(JedisDataException.class, app::flushAll);
                assertEquals("NOPERM this user has no permissions to run the 'flushall' command", cmd.getMessage());
                assertEquals(0L, app.publish("events.login", "x"));
                JedisDataException ch = assertThrows(JedisDataException.class, () -> app.publish("admin", "x"));
                assertEquals("NOPERM this user has no permissions to access one of the channels used as arguments", ch.getMessage());
                var log = admin.aclLog();
                assertTrue(log.size() >= 3, log.toString());
                // a selector: the app may also read (only) the reports, through a second set of rules
                assertEquals("OK", admin.aclSetUser("app", "(%R~reports:* +get)"));
                admin.set("reports:1", "r");
                assertEquals("r", app.get("reports:1"));
                assertThrows(JedisDataException.class, () -> app.set("reports:1", "x"));
                listed[0] = admin.aclList();
                assertEquals("OK", admin.aclSave());
            }
            assertTrue(Files.readString(aclfile).contains("user app on #"), Files.readString(aclfile));
            try (TestServer s = TestServer.startOn(dir, "--aclfile", aclfile.toString());
                 Jedis app = new Jedis("127.0.0.1", s.port())) {
                assertEquals("OK", app.auth("app", "s3cret"));
                assertEquals("v", app.get("app:1")); // the data and the user both came back
                assertThrows(JedisDataException.class, app::flushAll);
                assertEquals("r", app.get("reports:1")); // and its selector
                try (Jedis admin = new Jedis("127.0.0.1", s.port())) {
                    assertEquals(listed[0], admin.aclList());
                }
            }
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    @Test
    void helloAuthenticatesWithAUserAndDeletingTheUserClosesItsConnections() throws Exception {
        try (TestServer s = TestServer.start(); Jedis admin = new Jedis("127.0.0.1", s.port());
             RawClient c = new RawClient(s.port())) {
            admin.aclSetUser("temp", "on", ">pw", "~*", "+@all");
            String hello = c.call("HELLO", "3", "AUTH", "temp", "pw");
            assertTrue(hello.startsWith("%{"), hello);
            assertEquals("\"temp\"", c.call("ACL", "WHOAMI"));
            assertEquals(1L, admin.aclDelUser("temp"));
            assertTrue(c.isClosedByPeer(), "the connection of a deleted user is closed");
            assertEquals(List.of("default"), admin.aclUsers());
        }
    }
}
