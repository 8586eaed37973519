package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ops.KeyReads;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.keyspace.ops.StringOps;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.scheduler.Shard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: longest common subsequence (Redis 7). */
final class LcsCommand implements MultiShardCommand {
    private static final byte[] NOT_STRING = new byte[0];
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
        a = a == null ? new byte[0] : a;
        b = b == null ? new byte[0] : b;
        if ((long) (a.length + 1) * (b.length + 1) > 512L * 1024 * 1024) {
            out.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        int[][] dp = new int[a.length + 1][b.length + 1];
        for (int i = 1; i <= a.length; i++) {
            for (int j = 1; j <= b.length; j++) {
                dp[i][j] = a[i - 1] == b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
            }
        }
        int total = dp[a.length][b.length];
        if (len) {
            out.integer(total);
            return;
        }
        // Walk back from the end, like Redis, collecting the subsequence and contiguous ranges.
        byte[] result = new byte[total];
        List<long[]> ranges = new ArrayList<>();
        int i = a.length, j = b.length, k = total;
        long aStart = -1, aEnd = -1, bStart = -1, bEnd = -1;
        while (i > 0 && j > 0) {
            if (a[i - 1] == b[j - 1]) {
                result[--k] = a[i - 1];
                if (aStart == -1) {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    addRange(ranges, aStart, aEnd, bStart, bEnd, minMatch);
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                }
                i--;
                j--;
            } else if (dp[i - 1][j] > dp[i][j - 1]) {
                i--;
            } else {
                j--;
            }
        }
        if (aStart != -1) {
            addRange(ranges, aStart, aEnd, bStart, bEnd, minMatch);
        }
        if (!idx) {
            out.bulk(result);
            return;
        }
        out.map(2);
        out.bulk("matches");
        out.array(ranges.size());
        for (long[] r : ranges) {
            out.array(withLen ? 3 : 2);
            out.array(2);
            out.integer(r[0]);
            out.integer(r[1]);
            out.array(2);
            out.integer(r[2]);
            out.integer(r[3]);
            if (withLen) {
                out.integer(r[1] - r[0] + 1);
            }
        }
        out.bulk("len");
        out.integer(total);
    }

    private static void addRange(List<long[]> ranges, long aStart, long aEnd, long bStart, long bEnd, long minMatch) {
        if (aEnd - aStart + 1 >= minMatch) {
            ranges.add(new long[]{aStart, aEnd, bStart, bEnd});
        }
    }
}
