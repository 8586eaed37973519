package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ops.KeyReads;
import io.heliosdb.keyspace.ops.LcsOps;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.keyspace.ops.StringOps;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.scheduler.Shard;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: longest common subsequence (Redis 7).
 * Both values are copied out of their shards ({@link StringOps#get}), the options parsed after the
 * keys' types are checked (Redis' order), and {@link LcsOps} computes on the client's loop.
 */
final class LcsCommand implements MultiShardCommand {
    private static final byte[] NOT_STRING = new byte[0];
    /** The largest table LCS builds (cells), Redis' default proto-max-bulk-len. */
    private static final long MAX_CELLS = 512L * 1024 * 1024;
    private static final byte[] LEN = {'l', 'e', 'n'};
    private static final byte[] IDX = {'i', 'd', 'x'};
    private static final byte[] MINMATCHLEN = "minmatchlen".getBytes();
    private static final byte[] WITHMATCHLEN = "withmatchlen".getBytes();

    @Override
    public void execute(CommandContext ctx) {
        Args a = ctx.args();
        ValueCopy copy = new ValueCopy();
        byte[] x = fetch(ctx.reads(), ctx.db(), a, 1, copy);
        byte[] y = fetch(ctx.reads(), ctx.db(), a, 2, copy);
        reply(a, x, y, ctx.out());
    }

    @Override
    public void executeAcross(CrossShardCall call) {
        Shard[] shards = {call.shardOfArg(1), call.shardOfArg(2)};
        Map<Shard, List<Integer>> keyArgs = new LinkedHashMap<>();
        keyArgs.put(shards[0], List.of(1));
        keyArgs.put(shards[1], List.of(2));
        call.runOnceOnKeys(keyArgs, s -> fetch(call.reads(s), call.db(s), call.args(), s == shards[0] ? 1 : 2, new ValueCopy()),
                (out, r) -> reply(call.args(), (byte[]) r[0], (byte[]) r[1], out));
    }

    /** The string value of key argument {@code i} as bytes; null when absent, {@link #NOT_STRING} for another type. */
    private static byte[] fetch(KeyReads reads, Keyspace ks, Args a, int i, ValueCopy copy) {
        OpStatus s = StringOps.get(reads, ks, a.segment(), a.offset(i), a.length(i), copy);
        return s == OpStatus.OK ? copy.take() : s == OpStatus.WRONGTYPE ? NOT_STRING : null;
    }

    private static void reply(Args args, byte[] a, byte[] b, RespWriter out) {
        if (a == NOT_STRING || b == NOT_STRING) { // Redis checks the keys before the options
            out.error("ERR The specified keys must contain string values");
            return;
        }
        boolean len = false, idx = false, withLen = false;
        long minMatch = 0;
        for (int i = 3; i < args.count(); i++) {
            if (args.is(i, LEN)) {
                len = true;
            } else if (args.is(i, IDX)) {
                idx = true;
            } else if (args.is(i, WITHMATCHLEN)) {
                withLen = true;
            } else if (args.is(i, MINMATCHLEN) && i + 1 < args.count()) {
                if (!args.isLong(i + 1)) {
                    out.error(Errors.NOT_INTEGER);
                    return;
                }
                minMatch = Math.max(0, args.parseLong(++i));
            } else {
                out.error(Errors.SYNTAX);
                return;
            }
        }
        if (len && idx) {
            out.error("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        LcsOps.Form form = len ? LcsOps.Form.LEN : idx ? LcsOps.Form.IDX : LcsOps.Form.STRING;
        if (LcsOps.lcs(a, b, form, minMatch, withLen, MAX_CELLS, out) == OpStatus.TOO_LARGE) {
            out.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
    }
}
