package io.heliosdb.resp.keys;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.strings.Expiry;

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (NX XX GT LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST. */
final class ExpireCommands {
    private static final byte[] NX = {'n', 'x'};
    private static final byte[] XX = {'x', 'x'};
    private static final byte[] GT = {'g', 't'};
    private static final byte[] LT = {'l', 't'};

    private ExpireCommands() {}

    static void register(CommandTable t) {
        t.register("expire", Routing.KEYS, ctx -> expire(ctx, 1000, false));
        t.register("pexpire", Routing.KEYS, ctx -> expire(ctx, 1, false));
        t.register("expireat", Routing.KEYS, ctx -> expire(ctx, 1000, true));
        t.register("pexpireat", Routing.KEYS, ctx -> expire(ctx, 1, true));
        t.register("ttl", Routing.KEYS, ctx -> ttl(ctx, false, false));
        t.register("pttl", Routing.KEYS, ctx -> ttl(ctx, true, false));
        t.register("expiretime", Routing.KEYS, ctx -> ttl(ctx, false, true));
        t.register("pexpiretime", Routing.KEYS, ctx -> ttl(ctx, true, true));
        t.register("persist", Routing.KEYS, ExpireCommands::persist);
    }

    static void expire(CommandContext ctx, long unit, boolean absolute) {
        Args a = ctx.args();
        boolean nx = false, xx = false, gt = false, lt = false;
        for (int i = 3; i < a.count(); i++) {
            if (a.is(i, NX)) {
                nx = true;
            } else if (a.is(i, XX)) {
                xx = true;
            } else if (a.is(i, GT)) {
                gt = true;
            } else if (a.is(i, LT)) {
                lt = true;
            } else {
                ctx.out().error("ERR Unsupported option " + Errors.cstr(a.string(i)));
                return;
            }
        }
        if (nx && (xx || gt || lt)) {
            ctx.out().error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if (gt && lt) {
            ctx.out().error("ERR GT and LT options at the same time are not compatible");
            return;
        }
        long now = ctx.now();
        long when = Expiry.toAbsolute(a, 2, unit, absolute, now, true);
        if (absolute && unit == 1 && a.isLong(2) && a.parseLong(2) <= Expiry.NOT_INTEGER) {
            when = Expiry.NOT_INTEGER + 1; // PEXPIREAT at the sentinels' values: as far in the past as they are
        }
        if (when == Expiry.NOT_INTEGER) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        if (when == Expiry.INVALID) {
            ctx.out().error(Errors.invalidExpire(ctx.spec().name()));
            return;
        }
        Keyspace ks = ctx.db();
        long e = ctx.lookupWrite(ks, 1);
        if (e == Keyspace.NONE) {
            ctx.out().integer(0);
            return;
        }
        long current = ks.expireAt(e); // 0: no TTL, which counts as infinite for GT/LT
        if ((nx && current != 0) || (xx && current == 0) || (gt && (current == 0 || when <= current))
                || (lt && current != 0 && when >= current)) {
            ctx.out().integer(0);
            return;
        }
        if (when <= now) {
            ks.deleteEntry(e);
        } else {
            ks.setExpireAt(e, when);
        }
        ctx.out().integer(1);
    }

    static void ttl(CommandContext ctx, boolean millis, boolean absolute) {
        Keyspace ks = ctx.db();
        long e = ctx.lookupRead(ks, 1);
        if (e == Keyspace.NONE) {
            ctx.out().integer(-2);
            return;
        }
        long at = ks.expireAt(e);
        if (at == 0) {
            ctx.out().integer(-1);
            return;
        }
        long v = Math.max(0, absolute ? at : at - ctx.now());
        ctx.out().integer(millis ? v : (v + 500) / 1000);
    }

    static void persist(CommandContext ctx) {
        Keyspace ks = ctx.db();
        long e = ctx.lookupWrite(ks, 1);
        if (e == Keyspace.NONE || ks.expireAt(e) == 0) {
            ctx.out().integer(0);
            return;
        }
        ks.setExpireAt(e, 0);
        ctx.out().integer(1);
    }
}
