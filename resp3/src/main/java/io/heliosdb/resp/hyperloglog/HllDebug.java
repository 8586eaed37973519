package io.heliosdb.resp.hyperloglog;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.collections.KeyGather;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.Errors;
import java.util.SplittableRandom;

/** PFDEBUG (GETREG, DECODE, ENCODING, TODENSE) and PFSELFTEST, as in Redis' hyperloglog.c. */
final class HllDebug {
    private HllDebug() {}

    static void pfdebug(CommandContext ctx) {
        Args a = ctx.args();
        Keyspace ks = ctx.db();
        long e = ctx.lookupWrite(ks, 2);
        if (e == Keyspace.NONE) {
            ctx.out().error("ERR The specified key does not exist");
            return;
        }
        if (ks.type(e) != ValueType.STRING) {
            ctx.out().error(Errors.WRONGTYPE);
            return;
        }
        byte[] s = KeyGather.stringBytes(ks, e);
        byte[] r;
        try {
            r = Hll.registers(s);
        } catch (Hll.NotHll bad) {
            ctx.out().error(bad.corrupted ? HyperLogLogCommands.CORRUPTED : HyperLogLogCommands.NOT_HLL);
            return;
        }
        switch (a.lower(1)) {
            case "getreg" -> {
                if (!Hll.isDense(s)) {
                    toDense(ks, a, r, s); // Redis converts the key before reading the dense registers
                }
                ctx.out().array(Hll.REGISTERS);
                for (byte v : r) {
                    ctx.out().integer(v);
                }
            }
            case "decode" -> {
                if (Hll.isDense(s)) {
                    ctx.out().error("ERR HLL encoding is not sparse");
                } else {
                    ctx.out().bulk(decode(s));
                }
            }
            case "encoding" -> ctx.out().simple(Hll.isDense(s) ? "dense" : "sparse");
            case "todense" -> {
                boolean convert = !Hll.isDense(s);
                if (convert) {
                    toDense(ks, a, r, s);
                }
                ctx.out().integer(convert ? 1 : 0);
            }
            default -> ctx.out().error("ERR Unknown PFDEBUG subcommand '" + Errors.cstr(a.string(1)) + "'");
        }
    }

    private static void toDense(Keyspace ks, Args a, byte[] r, byte[] sparse) {
        HyperLogLogCommands.store(ks, a, 2, Hll.encode(r, true, 0, sparse));
    }

    /** The sparse opcodes as Redis prints them: "z:len", "Z:len", "v:value,len". */
    static String decode(byte[] s) {
        StringBuilder b = new StringBuilder();
        int p = Hll.HEADER;
        while (p < s.length) {
            int op = s[p] & 0xFF;
            if ((op & 0xC0) == 0) {
                b.append("z:").append((op & 0x3F) + 1);
                p++;
            } else if ((op & 0xC0) == 0x40) {
                int len = p + 1 < s.length ? (((op & 0x3F) << 8) | (s[p + 1] & 0xFF)) + 1 : (op & 0x3F) << 8;
                b.append("Z:").append(len);
                p += 2;
            } else {
                b.append("v:").append(((op >> 2) & 0x1F) + 1).append(',').append((op & 0x3) + 1);
                p++;
            }
            b.append(' ');
        }
        return b.toString().strip();
    }

    /**
     * PFSELFTEST: the dense register layout keeps every value at every position, and the sparse and
     * dense forms of the same registers count the same cardinality within the estimator's bounds.
     */
    static void pfselftest(CommandContext ctx) {
        SplittableRandom rnd = new SplittableRandom(ctx.now());
        byte[] dense = Hll.encode(new byte[Hll.REGISTERS], true, 0, null);
        int[] expect = new int[Hll.REGISTERS];
        for (int round = 0; round < 100; round++) {
            for (int j = 0; j < Hll.REGISTERS; j++) {
                expect[j] = rnd.nextInt(64);
                Hll.denseSet(dense, j, expect[j]);
            }
            for (int j = 0; j < Hll.REGISTERS; j++) {
                if (Hll.denseGet(dense, j) != expect[j]) {
                    ctx.out().error("ERR TESTFAILED Register error at " + j);
                    return;
                }
            }
        }
        byte[] r = new byte[Hll.REGISTERS];
        double relerr = 1.04 / Math.sqrt(Hll.REGISTERS);
        long seed = rnd.nextLong();
        long checkpoint = 1;
        for (long j = 1; j <= 1_000_000; j++) {
            Hll.add(r, Long.toString(seed + j).getBytes());
            if (j != checkpoint) {
                continue;
            }
            checkpoint *= 10;
            long card = Hll.count(r);
            // Redis' bound: six standard errors, but 1 at ten elements, where a collision is likely enough
            double maxerr = j == 10 ? 1 : Math.ceil(relerr * 6 * j);
            double abserr = Math.abs((double) card - j);
            try {
                byte[] sparse = Hll.encode(r, false, Long.MAX_VALUE, null);
                long fromSparse = Hll.count(Hll.registers(sparse));
                if (abserr > maxerr || fromSparse != card) {
                    ctx.out().error("ERR TESTFAILED Too big error. card:" + card + " abserr:" + abserr);
                    return;
                }
            } catch (Hll.NotHll bad) {
                ctx.out().error("ERR TESTFAILED sparse encoding of " + j + " elements does not decode");
                return;
            }
        }
        ctx.out().ok();
    }
}
