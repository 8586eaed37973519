package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
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
        Keyspace ks = ctx.db();
        // Only NX, XX and GET need the old entry; a plain SET goes straight to the store. GET reads it
        // as GET does (a miss is announced), NX and XX only check it.
        long e = get ? ctx.lookupRead(ks, 1) : nx || xx ? ctx.lookupWrite(ks, 1) : Keyspace.NONE;
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
        if (expireOption > 0 && expireAt <= now) {
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
