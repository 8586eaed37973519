package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.keyspace.ops.StringOps;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.Command;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.StatusErrors;

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts|KEEPTTL], Redis 7 semantics. */
final class SetCommand implements Command {
    private static final byte[] NX = {'n', 'x'};
    private static final byte[] XX = {'x', 'x'};
    private static final byte[] GET = {'g', 'e', 't'};
    private static final byte[] KEEPTTL = {'k', 'e', 'e', 'p', 't', 't', 'l'};

    @Override
    public void execute(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        boolean nx = false, xx = false, get = false, keepTtl = false;
        int expireOption = -1;
        for (int i = 3; i < a.count(); i++) {
            boolean hasNext = i + 1 < a.count();
            if (a.is(i, NX) && !xx) {
                nx = true;
            } else if (a.is(i, XX) && !nx) {
                xx = true;
            } else if (a.is(i, GET)) {
                get = true;
            } else if (a.is(i, KEEPTTL) && expireOption < 0) {
                keepTtl = true;
            } else if (hasNext && !keepTtl && Expiry.isOption(a, i) && Expiry.mayFollow(a, i, expireOption)) {
                expireOption = i++;
            } else {
                out.error(Errors.SYNTAX);
                return;
            }
        }
        long now = ctx.now();
        long expireAt = keepTtl ? Keyspace.KEEP_TTL : 0;
        if (expireOption > 0 && (expireAt = Expiry.resolve(ctx, expireOption, now)) == Expiry.REPLIED) {
            return;
        }
        int flags = (nx ? StringOps.SET_NX : 0) | (xx ? StringOps.SET_XX : 0) | (get ? StringOps.SET_GET : 0);
        OpStatus s = StringOps.set(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1),
                a.segment(), a.offset(2), a.length(2), flags, expireAt, now, out);
        if (s == OpStatus.OK) {
            if (!get) {
                out.ok();
            }
        } else if (s == OpStatus.NOT_APPLIED) {
            if (!get) {
                out.nullBulk(); // with GET the old value is the reply
            }
        } else {
            out.error(StatusErrors.text(s));
        }
    }
}
