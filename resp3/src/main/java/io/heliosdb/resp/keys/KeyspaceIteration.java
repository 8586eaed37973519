package io.heliosdb.resp.keys;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.GlobMatcher;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.collections.ElementScan;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * KEYS, SCAN and RANDOMKEY over every shard. A SCAN cursor carries the shard in its low 10 bits and
 * the shard's own reverse-binary cursor above them; shards are walked in order, so every key present
 * for the whole scan is returned at least once.
 */
final class KeyspaceIteration {
    static final int SHARD_BITS = 10;
    private static final byte[] MATCH = "match".getBytes();
    private static final byte[] COUNT = "count".getBytes();
    private static final byte[] TYPE = "type".getBytes();

    private KeyspaceIteration() {}

    static void register(CommandTable t) {
        t.register("keys", Routing.ALL_SHARDS, MultiShardCommand.allShards(KeyspaceIteration::keys));
        t.register("scan", Routing.ALL_SHARDS, MultiShardCommand.allShards(KeyspaceIteration::scan));
        t.register("randomkey", Routing.ALL_SHARDS, MultiShardCommand.allShards(KeyspaceIteration::randomKey));
    }

    static void keys(CrossShardCall call) {
        byte[] pattern = call.args().bytes(1);
        boolean all = pattern.length == 1 && pattern[0] == '*';
        Shard[] shards = call.server().shards().all();
        call.runOnce(shards, s -> {
            List<byte[]> found = new ArrayList<>();
            Keyspace ks = call.db(s);
            long cursor = 0;
            do {
                cursor = ks.scan(cursor, 100, (k, e) -> {
                    if (all || GlobMatcher.matches(pattern, k.segment(e), k.keyOffset(e), k.keyLength(e), false)) {
                        found.add(ByteStrings.toBytes(k.segment(e), k.keyOffset(e), k.keyLength(e)));
                    }
                });
            } while (cursor != 0);
            return found;
        }, (out, results) -> {
            int n = 0;
            for (Object r : results) {
                n += ((List<?>) r).size();
            }
            out.array(n);
            for (Object r : results) {
                for (Object k : (List<?>) r) {
                    out.bulk((byte[]) k);
                }
            }
        });
    }

    static void scan(CrossShardCall call) {
        Args a = call.args();
        String cursorText = a.string(1);
        Long parsed = ElementScan.parseCursor(cursorText);
        if (parsed == null) {
            call.finish(w -> w.error("ERR invalid cursor"));
            return;
        }
        long cursor = parsed;
        byte[] pattern = null;
        long count = 10;
        byte type = -1;
        for (int i = 2; i < a.count(); i++) {
            if (a.is(i, MATCH) && i + 1 < a.count()) {
                pattern = a.bytes(++i);
                if (pattern.length == 1 && pattern[0] == '*') {
                    pattern = null; // Redis skips matching for a lone star (it would not match an empty name)
                }
            } else if (a.is(i, COUNT) && i + 1 < a.count()) {
                if (!a.isLong(i + 1)) {
                    call.finish(w -> w.error(Errors.NOT_INTEGER));
                    return;
                }
                count = a.parseLong(++i);
                if (count < 1) {
                    call.finish(w -> w.error(Errors.SYNTAX));
                    return;
                }
            } else if (a.is(i, TYPE) && i + 1 < a.count()) {
                type = ValueType.byName(a.string(++i));
                if (type < 0) {
                    type = -2; // unknown type names match nothing, as in Redis 7.0
                }
            } else {
                call.finish(w -> w.error(Errors.SYNTAX));
                return;
            }
        }
        int shardCount = call.server().shards().size();
        int shardIndex = (int) (cursor & ((1 << SHARD_BITS) - 1));
        if (shardIndex >= shardCount) {
            // not a cursor we gave out: Redis answers any cursor, here with the end of the scan
            call.finish(w -> {
                w.array(2);
                w.bulk("0");
                w.array(0);
            });
            return;
        }
        long inner = cursor >>> SHARD_BITS;
        scanFrom(call, shardIndex, inner, (int) Math.min(count, 1 << 20), pattern, type, new ArrayList<>());
    }

    /**
     * Scans one shard and, when it is exhausted before COUNT keys were seen, goes on with the next
     * shard in the same call (so a small keyspace is scanned in one round trip, as in Redis).
     */
    private static void scanFrom(CrossShardCall call, int shardIndex, long inner, int count, byte[] pattern, byte wantType,
                                 List<byte[]> found) {
        int shardCount = call.server().shards().size();
        Shard shard = call.server().shards().shard(shardIndex);
        int[] seen = {0};
        ShardTransaction tx = call.transaction(new Shard[]{shard});
        tx.lockAll(() -> tx.run(new Shard[]{shard}, s -> {
            Keyspace ks = call.db(s);
            return ks.scan(inner, count, (k, e) -> {
                seen[0]++;
                if (wantType != -1 && k.type(e) != wantType) {
                    return;
                }
                if (pattern == null || GlobMatcher.matches(pattern, k.segment(e), k.keyOffset(e), k.keyLength(e), false)) {
                    found.add(ByteStrings.toBytes(k.segment(e), k.keyOffset(e), k.keyLength(e)));
                }
            });
        }, true, () -> {
            Object r = tx.results()[0];
            if (r instanceof RuntimeException e) {
                call.finish(w -> w.error(call.failure(e)));
                return;
            }
            long next = (Long) r;
            int remaining = count - seen[0];
            if (next == 0 && shardIndex + 1 < shardCount && remaining > 0) {
                scanFrom(call, shardIndex + 1, 0, remaining, pattern, wantType, found);
                return;
            }
            long nextCursor = next != 0 ? (next << SHARD_BITS) | shardIndex : shardIndex + 1 < shardCount ? shardIndex + 1 : 0;
            call.finish(out -> {
                out.array(2);
                out.bulk(Long.toUnsignedString(nextCursor));
                out.array(found.size());
                for (byte[] k : found) {
                    out.bulk(k);
                }
            });
        }));
    }

    static void randomKey(CrossShardCall call) {
        Shard[] shards = call.server().shards().all();
        call.runOnce(shards, s -> {
            Keyspace ks = call.db(s);
            long e = ks.randomEntry(ServerContext.state(s).random());
            byte[] key = e == Keyspace.NONE ? null : ByteStrings.toBytes(ks.segment(e), ks.keyOffset(e), ks.keyLength(e));
            return new Object[]{ks.size(), key};
        }, (out, results) -> {
            long total = 0;
            for (Object r : results) {
                if (((Object[]) r)[1] != null) {
                    total += (Long) ((Object[]) r)[0];
                }
            }
            if (total == 0) {
                out.nullBulk();
                return;
            }
            // Pick a shard with probability proportional to its size, then its random key.
            long pick = ThreadLocalRandom.current().nextLong(total);
            for (Object r : results) {
                Object[] pair = (Object[]) r;
                if (pair[1] == null) {
                    continue;
                }
                pick -= (Long) pair[0];
                if (pick < 0) {
                    out.bulk((byte[]) pair[1]);
                    return;
                }
            }
        });
    }
}
