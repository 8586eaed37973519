package io.heliosdb.resp.keys;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.HashValue;
import io.heliosdb.keyspace.collection.ListValue;
import io.heliosdb.keyspace.collection.SetValue;
import io.heliosdb.keyspace.collection.StreamValue;
import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Help;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;

/** The keys family: TYPE, OBJECT, expiry, DEL/EXISTS/TOUCH, RENAME/COPY/MOVE, KEYS/SCAN/RANDOMKEY. */
public final class KeyCommands {
    private KeyCommands() {}

    public static void register(CommandTable t) {
        t.register("migrate", Routing.ALL_SHARDS,
                MultiShardCommand.allShards(MigrateCommand::run));
        t.register("type", Routing.KEYS, KeyCommands::type);
        t.register("object|encoding", Routing.KEYS, KeyCommands::objectEncoding);
        t.register("object|freq", Routing.KEYS, KeyCommands::objectFreq);
        t.register("object|idletime", Routing.KEYS, KeyCommands::objectIdletime);
        t.register("object|refcount", Routing.KEYS, KeyCommands::objectRefcount);
        t.register("object|help", Routing.SESSION, Help.redis("OBJECT"));
        ExpireCommands.register(t);
        MultiKeyCommands.register(t);
        RenameCommands.register(t);
        KeyspaceIteration.register(t);
    }

    static void type(CommandContext ctx) {
        Keyspace ks = ctx.db();
        long e = ctx.lookupRead(ks, 1);
        ctx.out().simple(e == Keyspace.NONE ? "none" : ValueType.name(ks.type(e)));
    }

    /** Redis' OBJECT ENCODING name of any entry. */
    public static String encodingName(Keyspace ks, long e) {
        if (ks.type(e) == ValueType.STRING) {
            return switch (ks.encoding(e)) {
                case ValueEncoding.INT -> "int";
                case ValueEncoding.RAW_MUTABLE -> "raw";
                default -> ks.valueLength(e) <= ValueEncoding.EMBSTR_LIMIT ? "embstr" : "raw";
            };
        }
        return switch (ks.object(e)) {
            case HashValue h -> h.compact() ? "listpack" : "hashtable";
            case ListValue l -> "quicklist"; // Redis 7.0 keeps every list in a quicklist
            case SetValue st -> st.intset() ? "intset" : "hashtable";
            case ZSetValue z -> z.compact() ? "listpack" : "skiplist";
            case StreamValue s -> "stream";
            default -> "unknown";
        };
    }

    private static long objectKey(CommandContext ctx) {
        Keyspace ks = ctx.db();
        long e = ks.find(ctx.args().segment(), ctx.args().offset(2), ctx.args().length(2));
        if (e == Keyspace.NONE) {
            ctx.out().nullBulk();
        }
        return e;
    }

    static void objectEncoding(CommandContext ctx) {
        long e = objectKey(ctx);
        if (e != Keyspace.NONE) {
            ctx.out().bulk(encodingName(ctx.db(), e));
        }
    }

    private static boolean lfuPolicy(CommandContext ctx) {
        return ctx.server().config().get("maxmemory-policy").endsWith("lfu");
    }

    static void objectFreq(CommandContext ctx) {
        long e = objectKey(ctx);
        if (e == Keyspace.NONE) {
            return;
        }
        if (!lfuPolicy(ctx)) {
            ctx.out().error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
                    + "switching between policies at runtime LRU and LFU data will take some time to adjust.");
            return;
        }
        ctx.out().integer(ctx.db().lfuCounter(e));
    }

    static void objectIdletime(CommandContext ctx) {
        long e = objectKey(ctx);
        if (e == Keyspace.NONE) {
            return;
        }
        if (lfuPolicy(ctx)) {
            ctx.out().error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
                    + "switching between policies at runtime LRU and LFU data will take some time to adjust.");
            return;
        }
        ctx.out().integer(ctx.db().idleSeconds(e));
    }

    static void objectRefcount(CommandContext ctx) {
        long e = objectKey(ctx);
        if (e == Keyspace.NONE) {
            return;
        }
        Keyspace ks = ctx.db();
        // Redis shares the integers 0..9999 and reports them with OBJ_SHARED_REFCOUNT.
        boolean shared = ks.encoding(e) == ValueEncoding.INT && ks.longValue(e) >= 0 && ks.longValue(e) < 10000;
        ctx.out().integer(shared ? Integer.MAX_VALUE : 1);
    }
}
