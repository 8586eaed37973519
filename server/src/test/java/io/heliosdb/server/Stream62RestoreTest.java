package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heliosdb.keyspace.rdb.Crc64;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RESTORE of a stream as Redis 6.2 DUMPs it (RDB 9, RDB_TYPE_STREAM_LISTPACKS = 15: no entries_added,
 * max-deleted or first ID, no entries_read in groups). There is no 6.2 binary here, so the payload is
 * built from the format of 6.2's rdb.c; redis-server 7.0.15 and HeliosDB restore the same bytes and
 * must then answer XINFO STREAM FULL, XINFO GROUPS, XPENDING and later reads and writes identically
 * (7.0 derives the missing counters: entries_added from the length, entries_read by estimation).
 */
class Stream62RestoreTest {
    private static final long T = 1_700_000_000_123L; // delivery and seen times: absolute, so comparable
    private static RedisPeer redis;
    private static TestServer helios;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisPeer.start();
        helios = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        helios.close();
        redis.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void redis62StreamPayloadRestoresAsInRedis70(int protocol) throws Exception {
        byte[] payload = dump62();
        try (RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            List<String[]> steps = List.of(
                    new String[]{"XINFO", "STREAM", "s", "FULL"},
                    new String[]{"XINFO", "STREAM", "s"},
                    new String[]{"XINFO", "GROUPS", "s"},
                    new String[]{"XRANGE", "s", "-", "+"},
                    new String[]{"XPENDING", "s", "g1"},
                    new String[]{"XPENDING", "s", "g1", "-", "+", "10"},
                    new String[]{"XREADGROUP", "GROUP", "g2", "carol", "COUNT", "2", "STREAMS", "s", ">"},
                    new String[]{"XADD", "s", "9-0", "f", "new"},
                    new String[]{"XINFO", "GROUPS", "s"},
                    new String[]{"XDEL", "s", "1-1"},
                    new String[]{"XINFO", "STREAM", "s", "FULL"});
            for (RawClient c : new RawClient[]{r, h}) {
                c.call("HELLO", Integer.toString(protocol));
                c.call("DEL", "s");
                assertEquals("+OK", restore(c, payload));
            }
            for (String[] cmd : steps) {
                String expected = layoutMasked(r.call(cmd));
                assertEquals(expected, layoutMasked(h.call(cmd)), String.join(" ", cmd));
            }
            // HeliosDB's own DUMP of the restored stream (7.0's format) gives redis-server the same stream
            h.send(List.of("DUMP".getBytes(StandardCharsets.US_ASCII), "s".getBytes(StandardCharsets.US_ASCII)));
            byte[] again = h.readBulk();
            r.call("DEL", "s2");
            List<byte[]> args = new ArrayList<>(List.of("RESTORE".getBytes(StandardCharsets.US_ASCII),
                    "s2".getBytes(StandardCharsets.US_ASCII), "0".getBytes(StandardCharsets.US_ASCII), again));
            r.send(args);
            assertEquals("+OK", r.read());
            assertEquals(layoutMasked(r.call("XINFO", "STREAM", "s", "FULL")), layoutMasked(r.call("XINFO", "STREAM", "s2", "FULL")));
            // a payload claiming a newer RDB version than 7.0's is refused by both
            byte[] future = dump(body(), 11);
            assertEquals(restore(r, future), restore(h, future));
        }
    }

    /**
     * Radix tree sizes describe how a server packs its nodes (HeliosDB repacks a loaded stream its own
     * way); times taken now (deliveries by this test, idle times) differ by the run, the payload's do not.
     */
    private static String layoutMasked(String reply) {
        return reply.replaceAll("(\"radix-tree-(keys|nodes)\"(, |: )):\\d+", "$1:N")
                .replaceAll(":(?!17000000001)\\d{11,}", ":T");
    }

    private static String restore(RawClient c, byte[] payload) throws Exception {
        List<byte[]> args = new ArrayList<>();
        for (String a : new String[]{"RESTORE", "s", "0"}) {
            args.add(a.getBytes(StandardCharsets.US_ASCII));
        }
        args.add(payload);
        args.add("REPLACE".getBytes(StandardCharsets.US_ASCII));
        c.send(args);
        return c.read();
    }

    static byte[] dump62() {
        return dump(body(), 9);
    }

    /** The value, then Redis' DUMP footer: RDB version (2 bytes LE) and the CRC-64 of all before it (8 bytes LE). */
    private static byte[] dump(byte[] value, int rdbVersion) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(value);
        o.write(rdbVersion & 0xFF);
        o.write(rdbVersion >>> 8);
        byte[] b = o.toByteArray();
        long crc = Crc64.of(b, 0, b.length);
        for (int i = 0; i < 8; i++) {
            o.write((int) (crc >>> (8 * i)) & 0xFF);
        }
        return o.toByteArray();
    }

    /**
     * Two listpack nodes: 1-1 {f,g} (the master fields), 1-2 with the same fields (SAMEFIELDS), 1-3 {h},
     * a deleted 1-4; then 5-0 {f}. Length 4, last ID 7-0 (the tail was deleted). Groups: g1 at 1-2 with
     * two pending entries owned by alice and bob, g2 at 0-0, g3 at the last ID.
     */
    private static byte[] body() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(15); // RDB_TYPE_STREAM_LISTPACKS
        len(o, 2); // listpack nodes
        string(o, rawId(1, 1));
        string(o, listpack(
                3, 1, 2, "f", "g", 0, // master entry: count, deleted, fields, the fields, terminator
                2, 0, 0, "a", "b", 5, // 1-1: SAMEFIELDS, ms/seq deltas, values, lp-count
                2, 0, 1, "c", "d", 5, // 1-2
                0, 0, 2, 1, "h", "e", 6, // 1-3: own fields: count, field, value, lp-count
                3, 0, 3, "x", "y", 5)); // 1-4: deleted (flag 1) with the master fields
        string(o, rawId(5, 0));
        string(o, listpack(1, 0, 1, "f", 0, 2, 0, 0, "z", 4));
        len(o, 4); // length
        len(o, 7); // last ID
        len(o, 0);
        len(o, 3); // consumer groups
        string(o, "g1".getBytes(StandardCharsets.US_ASCII));
        len(o, 1);
        len(o, 2);
        len(o, 2); // group PEL: raw ID, delivery time (ms, LE), delivery count
        o.writeBytes(rawId(1, 1));
        millis(o, T);
        len(o, 2);
        o.writeBytes(rawId(1, 2));
        millis(o, T + 5);
        len(o, 1);
        len(o, 2); // consumers: name, seen time, their PEL's raw IDs
        string(o, "alice".getBytes(StandardCharsets.US_ASCII));
        millis(o, T + 7);
        len(o, 1);
        o.writeBytes(rawId(1, 1));
        string(o, "bob".getBytes(StandardCharsets.US_ASCII));
        millis(o, T + 9);
        len(o, 1);
        o.writeBytes(rawId(1, 2));
        string(o, "g2".getBytes(StandardCharsets.US_ASCII));
        len(o, 0);
        len(o, 0);
        len(o, 0);
        len(o, 0);
        string(o, "g3".getBytes(StandardCharsets.US_ASCII));
        len(o, 7);
        len(o, 0);
        len(o, 0);
        len(o, 0);
        return o.toByteArray();
    }

    /** Small RDB length (under 16384), as rdbSaveLen writes it. */
    private static void len(ByteArrayOutputStream o, int n) {
        if (n < 64) {
            o.write(n);
        } else {
            o.write(0x40 | (n >>> 8));
            o.write(n & 0xFF);
        }
    }

    private static void string(ByteArrayOutputStream o, byte[] b) {
        len(o, b.length);
        o.writeBytes(b);
    }

    private static void millis(ByteArrayOutputStream o, long t) {
        for (int i = 0; i < 8; i++) {
            o.write((int) (t >>> (8 * i)) & 0xFF);
        }
    }

    /** A stream ID as the radix tree keys it: ms and seq, 8 bytes each, big endian. */
    private static byte[] rawId(long ms, long seq) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[7 - i] = (byte) (ms >>> (8 * i));
            b[15 - i] = (byte) (seq >>> (8 * i));
        }
        return b;
    }

    /** A listpack of small integers (7-bit encoding) and short strings (6-bit length), each with its backlen. */
    private static byte[] listpack(Object... items) {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        for (Object it : items) {
            if (it instanceof Integer n) {
                e.write(n);
                e.write(1);
            } else {
                byte[] s = ((String) it).getBytes(StandardCharsets.US_ASCII);
                e.write(0x80 | s.length);
                e.writeBytes(s);
                e.write(1 + s.length);
            }
        }
        int total = 4 + 2 + e.size() + 1;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) {
            o.write((total >>> (8 * i)) & 0xFF);
        }
        o.write(items.length & 0xFF);
        o.write(items.length >>> 8);
        o.writeBytes(e.toByteArray());
        o.write(0xFF);
        return o.toByteArray();
    }
}
