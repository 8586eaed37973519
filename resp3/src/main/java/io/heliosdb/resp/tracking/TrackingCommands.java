package io.heliosdb.resp.tracking;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR, CLIENT TRACKINGINFO; and the read hook. */
public final class TrackingCommands {
    private TrackingCommands() {}

    public static void register(CommandTable t) {
        t.register("client|tracking", Routing.SESSION, TrackingCommands::tracking);
        t.register("client|caching", Routing.SESSION, TrackingCommands::caching);
        t.register("client|getredir", Routing.SESSION, ctx -> {
            TrackingState s = ctx.session().get(TrackingState.FEATURE);
            ctx.out().integer(s == null ? -1 : s.redirect);
        });
        t.register("client|trackinginfo", Routing.SESSION, TrackingCommands::info);
    }

    /** After a command of a tracking client ran on {@code state}'s thread: remember what it read. */
    public static void afterCommand(ShardState state, CommandSpec spec, Args args, ClientSession session, TrackingState t) {
        if (spec.name().equals("client|caching")) {
            return; // it sets the flag for the next command
        }
        remember(state, spec, args, session, t);
        t.commandDone();
    }

    /** A read-only command's keys on this shard, remembered for a tracking client (also per step of a multi-shard read). */
    public static void remember(ShardState state, CommandSpec spec, Args args, ClientSession session, TrackingState t) {
        if (spec.flags().contains("readonly") && t.tracksReads()) {
            int first = spec.firstKeyOf(args);
            if (first > 0 && args.count() > first) {
                int last = spec.lastKeyOf(args);
                for (int i = first; i <= last; i += spec.keyStepOf()) {
                    if (state.server().shardOfKey(args.segment(), args.offset(i), args.length(i)) == state.shard()) {
                        Tracking.of(state).remember(args.bytes(i), session.id);
                    }
                }
            }
        }
    }

    /** Tracking off (CLIENT TRACKING OFF, RESET, disconnect). */
    public static void off(ServerContext server, ClientSession s) {
        TrackingState t = s.get(TrackingState.FEATURE);
        if (t == null) {
            return;
        }
        s.set(TrackingState.FEATURE, null);
        if (t.bcast) {
            server.trackingBroadcast().remove(s);
            Tracking.broadcastChanged(server);
        }
    }

    private static void tracking(CommandContext ctx) {
        Args a = ctx.args();
        String mode = a.lower(2);
        ClientSession s = ctx.session();
        long redirect = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        List<byte[]> prefixes = new ArrayList<>();
        for (int i = 3; i < a.count(); i++) {
            String o = a.lower(i);
            boolean more = i + 1 < a.count();
            switch (o) {
                case "redirect" -> {
                    if (!more) {
                        ctx.out().error(Errors.SYNTAX);
                        return;
                    }
                    if (redirect != 0) {
                        ctx.out().error("ERR A client can only redirect to a single other client");
                        return;
                    }
                    if (!a.isLong(i + 1)) {
                        ctx.out().error(Errors.NOT_INTEGER);
                        return;
                    }
                    redirect = a.parseLong(++i);
                    if (redirect != s.id && ctx.server().clients().get(redirect) == null) {
                        ctx.out().error("ERR The client ID you want redirect to does not exist");
                        return;
                    }
                }
                case "bcast" -> bcast = true;
                case "optin" -> optin = true;
                case "optout" -> optout = true;
                case "noloop" -> noloop = true;
                case "prefix" -> {
                    if (!more) {
                        ctx.out().error(Errors.SYNTAX);
                        return;
                    }
                    prefixes.add(a.bytes(++i));
                }
                default -> {
                    ctx.out().error(Errors.SYNTAX);
                    return;
                }
            }
        }
        // Redis parses the options whatever the mode, then checks them only for ON
        if (mode.equals("off")) {
            off(ctx.server(), s);
            ctx.out().ok();
            return;
        }
        if (!mode.equals("on")) {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        if (!bcast && !prefixes.isEmpty()) {
            ctx.out().error("ERR PREFIX option requires BCAST mode to be enabled");
            return;
        }
        if (bcast && (optin || optout)) { // Redis checks this one first
            ctx.out().error("ERR OPTIN and OPTOUT are not compatible with BCAST");
            return;
        }
        if (optin && optout) {
            ctx.out().error("ERR You can't specify both OPTIN mode and OPTOUT mode");
            return;
        }
        TrackingState old = s.get(TrackingState.FEATURE);
        List<byte[]> existing = old != null && old.bcast && bcast ? old.prefixes : List.of();
        if (bcast) {
            // checkPrefixCollisionsOrReply: each new prefix against the client's, then against the
            // later new ones; two prefixes overlap when the shorter starts the longer (equal ones too).
            List<byte[]> sortedExisting = new ArrayList<>(existing);
            sortedExisting.sort(Arrays::compareUnsigned);
            for (int i = 0; i < prefixes.size(); i++) {
                byte[] p = prefixes.get(i);
                for (byte[] q : sortedExisting) {
                    if (startsWith(p, q) || startsWith(q, p)) {
                        ctx.out().error("ERR Prefix '" + new String(p) + "' overlaps with an existing prefix '" + new String(q)
                                + "'. Prefixes for a single client must not overlap.");
                        return;
                    }
                }
                for (int j = i + 1; j < prefixes.size(); j++) {
                    byte[] q = prefixes.get(j);
                    if (startsWith(p, q) || startsWith(q, p)) {
                        ctx.out().error("ERR Prefix '" + new String(p) + "' overlaps with another provided prefix '" + new String(q)
                                + "'. Prefixes for a single client must not overlap.");
                        return;
                    }
                }
            }
            List<byte[]> merged = new ArrayList<>(existing);
            merged.addAll(prefixes);
            prefixes = merged;
        }
        prefixes.sort(Arrays::compareUnsigned);
        List<byte[]> distinct = new ArrayList<>();
        for (byte[] p : prefixes) {
            if (distinct.isEmpty() || !Arrays.equals(distinct.get(distinct.size() - 1), p)) {
                distinct.add(p);
            }
        }
        off(ctx.server(), s);
        s.set(TrackingState.FEATURE, new TrackingState(redirect, bcast, optin, optout, noloop, List.copyOf(distinct)));
        if (bcast) {
            ctx.server().trackingBroadcast().add(s);
            Tracking.broadcastChanged(ctx.server());
        }
        ctx.out().ok();
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static void caching(CommandContext ctx) {
        Args a = ctx.args();
        TrackingState t = ctx.session().get(TrackingState.FEATURE);
        if (t == null || !(t.optin || t.optout)) {
            ctx.out().error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
            return;
        }
        String v = a.lower(2);
        if (v.equals("yes")) {
            if (!t.optin) {
                ctx.out().error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
                return;
            }
            t.caching = 1;
        } else if (v.equals("no")) {
            if (!t.optout) {
                ctx.out().error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
                return;
            }
            t.caching = -1;
        } else {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        ctx.out().ok();
    }

    private static void info(CommandContext ctx) {
        TrackingState t = ctx.session().get(TrackingState.FEATURE);
        RespWriter out = ctx.out();
        out.map(3);
        out.bulk("flags");
        List<String> flags = new ArrayList<>();
        if (t == null) {
            flags.add("off");
        } else {
            flags.add("on");
            if (t.bcast) {
                flags.add("bcast");
            }
            if (t.optin) {
                flags.add("optin");
                if (t.caching > 0) {
                    flags.add("caching-yes");
                }
            }
            if (t.optout) {
                flags.add("optout");
                if (t.caching < 0) {
                    flags.add("caching-no");
                }
            }
            if (t.noloop) {
                flags.add("noloop");
            }
            if (t.redirectBroken) {
                flags.add("broken_redirect");
            }
        }
        out.set(flags.size());
        for (String f : flags) {
            out.bulk(f);
        }
        out.bulk("redirect");
        out.integer(t == null ? -1 : t.redirect);
        out.bulk("prefixes");
        List<byte[]> prefixes = t == null ? List.of() : t.prefixes;
        out.array(prefixes.size());
        for (byte[] p : prefixes) {
            out.bulk(p);
        }
    }
}
