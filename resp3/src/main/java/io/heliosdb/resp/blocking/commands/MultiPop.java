package io.heliosdb.resp.blocking.commands;

import io.heliosdb.resp.blocking.Blocking;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.Errors;

/**
 * [B]LMPOP and [B]ZMPOP: {@code [timeout] numkeys key... <where> [COUNT n]}, parsed as Redis does.
 * The type supplies its two {@code where} words and the pop.
 */
public abstract class MultiPop extends BlockingPop {
    private static final byte[] COUNT = "count".getBytes();
    private final boolean blocking;

    protected MultiPop(boolean blocking) {
        this.blocking = blocking;
    }

    /** The two words allowed where the pop happens (LEFT/RIGHT, MIN/MAX); the first is the front. */
    protected abstract byte[][] whereWords();

    @Override
    protected final Plan plan(Args a) {
        // Redis' order: numkeys, where, COUNT, and only then the timeout (lmpopGenericCommand)
        int at = blocking ? 2 : 1;
        if (!a.isLong(at)) {
            return Plan.error("ERR numkeys should be greater than 0");
        }
        long n = a.parseLong(at);
        if (n <= 0) {
            return Plan.error("ERR numkeys should be greater than 0");
        }
        if (n > a.count()) {
            return Plan.error(Errors.SYNTAX); // the where argument would be past the end
        }
        int where = at + 1 + (int) n;
        if (where >= a.count()) {
            return Plan.error(Errors.SYNTAX);
        }
        byte[][] words = whereWords();
        if (!a.is(where, words[0]) && !a.is(where, words[1])) {
            return Plan.error(Errors.SYNTAX);
        }
        for (int i = where + 1; i < a.count(); i++) {
            if (a.is(i, COUNT) && i + 1 < a.count() && i == where + 1) {
                if (!a.isLong(i + 1) || a.parseLong(i + 1) <= 0) {
                    return Plan.error("ERR count should be greater than 0");
                }
                i++;
            } else {
                return Plan.error(Errors.SYNTAX);
            }
        }
        if (blocking) {
            String err = Blocking.timeoutError(a, 1);
            if (err != null) {
                return Plan.error(err);
            }
        }
        int[] keys = new int[(int) n];
        for (int i = 0; i < n; i++) {
            keys[i] = at + 1 + i;
        }
        return new Plan(keys, blocking ? Blocking.timeoutMillis(a, 1) : -1, null);
    }

    /** True when the call pops from the front (LEFT, MIN). */
    protected final boolean front(Args a) {
        return a.is(whereArg(a), whereWords()[0]);
    }

    private int whereArg(Args a) {
        int at = blocking ? 2 : 1;
        return at + 1 + (int) a.parseLong(at);
    }

    protected final long count(Args a) {
        int where = whereArg(a);
        return where + 2 < a.count() ? a.parseLong(where + 2) : 1;
    }

    @Override
    public void timeoutReply(RespWriter w) {
        w.nullArray();
    }
}
