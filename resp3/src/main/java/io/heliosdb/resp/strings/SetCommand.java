package io.heliosdb.resp.strings;

import io.heliosdb.index.Keyspace;
import io.heliosdb.index.ValueType;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.Command;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.Errors;

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts|KEEPTTL], Redis 7 semantics. */
final class SetCommand implements Command {
    private static final byte[] NX = {'n', 'x'};
    private static final byte[] XX = {'x', 'x'};
    private static final byte[] GET = {'g', 'e', 't'};
    private static final byte[] EX = {'e', 'x'};
    private static final byte[] PX = {'p', 'x'};
    private static final byte[] EXAT = {'e', 'x', 'a', 't'};
    private static final byte[] PXAT = {'p', 'x', 'a', 't'};
    private static final byte[] KEEPTTL = {'k', 'e', 'e', 'p', 't', 't', 'l'};

    @Override
    public void execute(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        boolean nx = false, xx = false, get = false, keepTtl = false;
        int expireArg = -1;
        long unit = 0;
        boolean absolute = false;
        for (int i = 3; i < a.count(); i++) {
            boolean hasNext = i + 1 < a.count();
            if (a.is(i, NX) && !xx) {
                nx = true;
            } else if (a.is(i, XX) && !nx) {
                xx = true;
            } else if (a.is(i, GET)) {
                get = true;
            } else if (a.is(i, KEEPTTL) && expireArg < 0) {
                keepTtl = true;
            } else if (hasNext && expireArg < 0 && !keepTtl && (a.is(i, EX) || a.is(i, PX) || a.is(i, EXAT) || a.is(i, PXAT))) {
                unit = a.is(i, EX) || a.is(i, EXAT) ? 1000 : 1;
                absolute = a.is(i, EXAT) || a.is(i, PXAT);
                expireArg = ++i;
            } else {
                out.error(Errors.SYNTAX);
                return;
            }
        }
        long now = ctx.now();
        long expireAt = keepTtl ? Keyspace.KEEP_TTL : 0;
        if (expireArg > 0) {
            expireAt = Expiry.toAbsolute(a, expireArg, unit, absolute, now, false);
            if (expireAt == Expiry.NOT_INTEGER) {
                out.error(Errors.NOT_INTEGER);
                return;
            }
            if (expireAt == Expiry.INVALID) {
                out.error(Errors.invalidExpire("set"));
                return;
            }
        }
        Keyspace ks = ctx.db();
        long e = ctx.lookupWrite(ks, 1);
        if (get) {
            if (e != Keyspace.NONE && ks.type(e) != ValueType.STRING) {
                out.error(Errors.WRONGTYPE);
                return;
            }
            if (e == Keyspace.NONE) {
                out.nullBulk();
            } else {
                StringValues.reply(ks, e, out);
            }
        }
        if ((nx && e != Keyspace.NONE) || (xx && e == Keyspace.NONE)) {
            if (!get) {
                out.nullBulk();
            }
            return;
        }
        if (expireArg > 0 && expireAt <= now) {
            // Already in the past: Redis sets and deletes at once, which leaves no key.
            ks.delete(a.segment(), a.offset(1), a.length(1));
        } else {
            StringValues.store(ks, a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2), expireAt);
        }
        if (!get) {
            out.ok();
        }
    }
}
