package io.heliosdb.resp.blocking;

import io.heliosdb.keyspace.RedisDoubles;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;

/** What every blocking command shares: its timeout argument, CLIENT UNBLOCK, and the key hook it needs. */
public final class Blocking {
    public static final String UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

    private Blocking() {}

    /** A blocked call that CLIENT UNBLOCK can end: true when it was still waiting. */
    public interface Unblockable {
        boolean unblock(boolean error);
    }

    /**
     * CLIENT UNBLOCK: ends the wait of client {@code id} with its timeout reply (or the UNBLOCKED
     * error); false when it is not blocked.
     */
    public static boolean unblock(ServerContext server, long id, boolean error) {
        return server.blockedCalls.get(id) instanceof Unblockable u && u.unblock(error);
    }

    /** Redis' timeout argument: seconds as a float; the error for a bad one, or null. */
    public static String timeoutError(Args a, int i) {
        double d = RedisDoubles.parseUnchecked(a.string(i)); // string2ld: a long double holds what overflows a double
        if (Double.isNaN(d)) {
            return "ERR timeout is not a float or out of range";
        }
        // Redis 7.0 casts seconds*1000 to long long: beyond its range (inf included) that gives
        // LLONG_MIN on x86, so a huge timeout of either sign is "negative".
        double ms = d * 1000;
        if (ms < 0 && (long) ms < 0 || ms >= 0x1p63 || ms < -0x1p63) {
            return "ERR timeout is negative";
        }
        return null;
    }

    public static long timeoutMillis(Args a, int i) {
        double d = RedisDoubles.parseUnchecked(a.string(i)); // read as timeoutError read it
        return (long) Math.ceil(d * 1000);
    }

    /** Registers {@code w} on {@code key}; the shard's key hook goes on so that any change to the key signals it. Shard thread. */
    public static void register(ShardState st, int db, byte[] key, BlockedClients.Waiter w) {
        BlockedClients.of(st).block(db, key, w);
        if (!st.hooksOn()) {
            st.refreshKeyHooks();
        }
    }
}
