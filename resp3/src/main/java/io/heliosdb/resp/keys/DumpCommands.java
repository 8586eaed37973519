package io.heliosdb.resp.keys;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.CollectionValue;
import io.heliosdb.keyspace.rdb.RdbValues;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.collections.KeyGather;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.strings.StringValues;
import java.lang.foreign.MemorySegment;

/** DUMP and RESTORE with Redis 7.0's payload format (RDB value, version, CRC-64). */
public final class DumpCommands {
    private static final byte[] REPLACE = "replace".getBytes();
    private static final byte[] ABSTTL = "absttl".getBytes();
    private static final byte[] IDLETIME = "idletime".getBytes();
    private static final byte[] FREQ = "freq".getBytes();

    private DumpCommands() {}

    public static void register(CommandTable t) {
        t.register("dump", Routing.KEYS, DumpCommands::dump);
        t.register("restore", Routing.KEYS, DumpCommands::restore);
    }

    /** The RDB value (type byte and body) of an entry. */
    public static byte[] valueOf(Keyspace ks, long e) {
        if (ks.encoding(e) == ValueEncoding.OBJECT) {
            return RdbValues.encode(ks.object(e));
        }
        return RdbValues.encodeString(KeyGather.stringBytes(ks, e));
    }

    static void dump(CommandContext ctx) {
        Keyspace ks = ctx.db();
        long e = ctx.lookupRead(ks, 1);
        if (e == Keyspace.NONE) {
            ctx.out().nullBulk();
            return;
        }
        ctx.out().bulk(RdbValues.dumpPayload(valueOf(ks, e)));
    }

    static void restore(CommandContext ctx) {
        Args a = ctx.args();
        boolean replace = false, absTtl = false;
        long idle = -1, freq = -1;
        for (int i = 4; i < a.count(); i++) {
            if (a.is(i, REPLACE)) {
                replace = true;
            } else if (a.is(i, ABSTTL)) {
                absTtl = true;
            } else if (a.is(i, IDLETIME) && i + 1 < a.count() && freq < 0) {
                if (!a.isLong(i + 1)) {
                    ctx.out().error(Errors.NOT_INTEGER);
                    return;
                }
                idle = a.parseLong(++i);
                if (idle < 0) {
                    ctx.out().error("ERR Invalid IDLETIME value, must be >= 0");
                    return;
                }
            } else if (a.is(i, FREQ) && i + 1 < a.count() && idle < 0) {
                if (!a.isLong(i + 1)) {
                    ctx.out().error(Errors.NOT_INTEGER);
                    return;
                }
                freq = a.parseLong(++i);
                if (freq < 0 || freq > 255) {
                    ctx.out().error("ERR Invalid FREQ value, must be >= 0 and <= 255");
                    return;
                }
            } else {
                ctx.out().error(Errors.SYNTAX);
                return;
            }
        }
        Keyspace ks = ctx.db();
        if (!replace && ctx.lookupWrite(ks, 1) != Keyspace.NONE) { // Redis: options, the key, then the TTL
            ctx.out().error("BUSYKEY Target key name already exists.");
            return;
        }
        if (!a.isLong(2)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long ttl = a.parseLong(2);
        if (ttl < 0) {
            ctx.out().error("ERR Invalid TTL value, must be >= 0");
            return;
        }
        byte[] payload = a.bytes(3);
        int n = RdbValues.verifyPayload(payload);
        if (n < 0) {
            ctx.out().error("ERR DUMP payload version or checksum are wrong");
            return;
        }
        RdbValues.Decoded d;
        try {
            d = RdbValues.decode(payload, 0, n);
        } catch (RdbValues.BadFormat | RuntimeException bad) {
            ctx.out().error("ERR Bad data format");
            return;
        }
        long now = ctx.now();
        long expireAt = ttl == 0 ? 0 : absTtl ? ttl : now + ttl;
        if (expireAt != 0 && expireAt <= now) {
            // Already expired: Redis deletes the key (with REPLACE) and creates nothing.
            if (replace) {
                ks.delete(a.segment(), a.offset(1), a.length(1));
            }
            ctx.out().ok();
            return;
        }
        long e = install(ctx, ks, a, d, expireAt);
        if (idle >= 0 || freq >= 0) {
            ks.setAccess(e, (int) Math.min(idle, Integer.MAX_VALUE), (int) freq);
        }
        ctx.out().ok();
    }

    static long install(CommandContext ctx, Keyspace ks, Args a, RdbValues.Decoded d, long expireAt) {
        if (d.type() == ValueType.STRING) {
            if (ks.find(a.segment(), a.offset(1), a.length(1)) != Keyspace.NONE) {
                ks.delete(a.segment(), a.offset(1), a.length(1));
            }
            StringValues.store(ks, a.segment(), a.offset(1), a.length(1),
                    MemorySegment.ofArray(d.string()), 0, d.string().length, expireAt);
            return ks.find(a.segment(), a.offset(1), a.length(1));
        }
        CollectionValue v = d.collection();
        RdbValues.chooseEncoding(v, TypedKeys.limit(ctx, "hash-max-listpack-entries"), TypedKeys.limit(ctx, "hash-max-listpack-value"),
                TypedKeys.limit(ctx, "set-max-intset-entries"), TypedKeys.limit(ctx, "zset-max-listpack-entries"),
                TypedKeys.limit(ctx, "zset-max-listpack-value"));
        long e = ks.putObject(a.segment(), a.offset(1), a.length(1), d.type(), v, expireAt);
        if (d.type() == ValueType.LIST || d.type() == ValueType.ZSET) {
            BlockedClients.of(ctx.shard()).signal(ctx.dbIndex(), a, 1);
        }
        return e;
    }
}
