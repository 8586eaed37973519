package io.heliosdb.resp.acl;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Help;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ServerContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** ACL SETUSER|GETUSER|DELUSER|LIST|USERS|WHOAMI|CAT|GENPASS|LOG|DRYRUN|SAVE|LOAD. */
public final class AclCommands {
    private static final String NO_ACLFILE = "ERR This Redis instance is not configured to use an ACL file. You may want to "
            + "specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
            + "configuration file set) in order to store users in the Redis configuration.";

    private AclCommands() {}

    public static void register(CommandTable t) {
        t.register("acl|setuser", Routing.SESSION, AclCommands::setuser);
        t.register("acl|getuser", Routing.SESSION, AclCommands::getuser);
        t.register("acl|deluser", Routing.SESSION, AclCommands::deluser);
        t.register("acl|list", Routing.SESSION, ctx -> {
            var users = Acl.of(ctx.server()).sorted();
            ctx.out().array(users.size());
            users.values().forEach(u -> ctx.out().bulk(AclUser.bytes(u.describe(CommandTable.of(ctx.server())))));
        });
        t.register("acl|users", Routing.SESSION, ctx -> {
            var users = Acl.of(ctx.server()).sorted();
            ctx.out().array(users.size());
            users.keySet().forEach(ctx.out()::bulk);
        });
        t.register("acl|whoami", Routing.SESSION, ctx -> ctx.out().bulk(ctx.session().user));
        t.register("acl|cat", Routing.SESSION, AclCommands::cat);
        t.register("acl|genpass", Routing.SESSION, AclCommands::genpass);
        t.register("acl|log", Routing.SESSION, AclCommands::log);
        t.register("acl|dryrun", Routing.SESSION, AclCommands::dryrun);
        t.register("acl|save", Routing.SESSION, AclCommands::save);
        t.register("acl|load", Routing.SESSION, AclCommands::load);
        t.register("acl|help", Routing.SESSION, Help.redis("ACL"));
    }

    private static void setuser(CommandContext ctx) {
        Args a = ctx.args();
        if (AclSelector.hasSpaces(a.string(2))) {
            ctx.out().error("ERR Usernames can't contain spaces or null characters"); // Redis' ACLStringHasSpaces
            return;
        }
        List<String> rules = new ArrayList<>();
        for (int i = 3; i < a.count(); i++) {
            rules.add(new String(a.bytes(i), StandardCharsets.ISO_8859_1)); // rules are bytes: see AclUser
        }
        Acl acl = Acl.of(ctx.server());
        AclUser before = acl.user(a.string(2));
        String err = acl.setUser(a.string(2), rules);
        if (err != null) {
            ctx.out().error(err);
            return;
        }
        if (before != null) {
            RevokedSubscribers.close(ctx.server(), before, acl.user(a.string(2)));
        }
        ctx.out().ok();
    }

    private static void getuser(CommandContext ctx) {
        AclUser u = Acl.of(ctx.server()).user(ctx.args().string(2));
        RespWriter out = ctx.out();
        if (u == null) {
            out.nullBulk();
            return;
        }
        out.map(6);
        out.bulk("flags");
        List<String> flags = u.flags();
        out.set(flags.size()); // a set in RESP3, as Redis
        flags.forEach(out::bulk);
        out.bulk("passwords");
        out.array(u.passwords.size());
        u.passwords.forEach(out::bulk);
        CommandTable table = CommandTable.of(ctx.server());
        out.bulk("commands");
        out.bulk(u.root.describeCommands(table));
        out.bulk("keys");
        out.bulk(AclUser.bytes(u.root.keysDescription()));
        out.bulk("channels");
        out.bulk(AclUser.bytes(u.root.channelsDescription()));
        out.bulk("selectors");
        out.array(u.selectors.size());
        for (AclSelector s : u.selectors) {
            out.map(3);
            out.bulk("commands");
            out.bulk(s.describeCommands(table));
            out.bulk("keys");
            out.bulk(AclUser.bytes(s.keysDescription()));
            out.bulk("channels");
            out.bulk(AclUser.bytes(s.channelsDescription()));
        }
    }

    private static void deluser(CommandContext ctx) {
        Args a = ctx.args();
        for (int i = 2; i < a.count(); i++) {
            if (a.string(i).equals("default")) {
                ctx.out().error("ERR The 'default' user cannot be removed");
                return;
            }
        }
        int n = 0;
        for (int i = 2; i < a.count(); i++) {
            String name = a.string(i);
            if (Acl.of(ctx.server()).delete(name)) {
                n++;
                closeSessionsOf(ctx, name::equals); // as Redis' ACLFreeUserAndKillClients
            }
        }
        ctx.out().integer(n);
    }

    /** Closes the connections authenticated as such users; the caller's own one after this reply. */
    private static void closeSessionsOf(CommandContext ctx, Predicate<String> user) {
        for (ClientSession s : ctx.server().clients().all()) {
            if (!user.test(s.user)) {
                continue;
            }
            if (s == ctx.session()) {
                s.closeAfterReply = true;
            } else {
                s.killed = true; // none of its commands runs after this reply
                s.channel.close();
            }
        }
    }

    private static void cat(CommandContext ctx) {
        Args a = ctx.args();
        CommandTable table = CommandTable.of(ctx.server());
        if (a.count() > 3) {
            ctx.out().error(Errors.subcommandSyntax(a));
            return;
        }
        if (a.count() == 2) {
            List<String> cats = AclCategories.ordered(table);
            ctx.out().array(cats.size());
            cats.forEach(ctx.out()::bulk);
            return;
        }
        if (a.count() > 3) {
            ctx.out().error(Errors.subcommandSyntax(a.string(1), "acl"));
            return;
        }
        String cat = a.lower(2);
        if (!AclCategories.exists(table, cat)) {
            ctx.out().error("ERR Unknown category '" + Errors.truncate(a.string(2)) + "'"); // Redis: %.128s
            return;
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec s : table.liveRows()) {
            if (s.aclCategories().contains("@" + cat)) {
                names.add(s.name());
            }
        }
        ctx.out().array(names.size());
        names.forEach(ctx.out()::bulk);
    }

    private static void genpass(CommandContext ctx) {
        Args a = ctx.args();
        long bits = 256;
        if (a.count() > 3) {
            ctx.out().error(Errors.subcommandSyntax(a));
            return;
        }
        if (a.count() == 3) {
            if (!a.isLong(2) || a.parseLong(2) <= 0 || a.parseLong(2) > 4096) {
                ctx.out().error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096");
                return;
            }
            bits = a.parseLong(2);
        }
        int chars = (int) ((bits + 3) / 4);
        byte[] random = new byte[(chars + 1) / 2];
        new SecureRandom().nextBytes(random);
        ctx.out().bulk(HexFormat.of().formatHex(random).substring(0, chars));
    }

    private static void log(CommandContext ctx) {
        Args a = ctx.args();
        Acl acl = Acl.of(ctx.server());
        long count = 10;
        if (a.count() > 3) {
            ctx.out().error(Errors.subcommandSyntax(a));
            return;
        }
        if (a.count() == 3) {
            if (a.lower(2).equals("reset")) {
                acl.resetLog();
                ctx.out().ok();
                return;
            }
            if (!a.isLong(2)) { // Redis: getLongFromObjectOrReply; a negative count lists nothing
                ctx.out().error(Errors.NOT_INTEGER);
                return;
            }
            count = Math.max(0, a.parseLong(2));
        }
        List<Acl.LogEntry> entries = acl.logEntries();
        int n = (int) Math.min(count, entries.size());
        RespWriter out = ctx.out();
        long now = System.currentTimeMillis();
        out.array(n);
        for (int i = 0; i < n; i++) {
            Acl.LogEntry e = entries.get(i);
            out.map(7); // Redis 7.0's fields (entry-id and the timestamps came with 7.2)
            out.bulk("count");
            out.integer(e.count);
            out.bulk("reason");
            out.bulk(e.reason);
            out.bulk("context");
            out.bulk(e.context);
            out.bulk("object");
            out.bulk(AclUser.bytes(e.object));
            out.bulk("username");
            out.bulk(e.username);
            out.bulk("age-seconds");
            out.doubleText(String.format(Locale.ROOT, "%.3f", (now - e.time) / 1000.0));
            out.bulk("client-info");
            out.bulk(e.clientInfo);
        }
    }

    private static void dryrun(CommandContext ctx) {
        Args a = ctx.args();
        AclUser u = Acl.of(ctx.server()).user(a.string(2));
        if (u == null) {
            ctx.out().error("ERR User '" + Errors.cstr(a.string(2)) + "' not found");
            return;
        }
        CommandSpec spec = a.string(3).indexOf('|') < 0 ? CommandTable.of(ctx.server()).find(a.string(3)) : null;
        if (spec != null && spec.isContainer() && a.count() > 4) {
            spec = spec.subcommands().get(a.lower(4)); // Redis' lookupCommand: the subcommand is what is checked
        }
        if (spec == null) {
            ctx.out().error("ERR Command '" + Errors.cstr(a.string(3)) + "' not found"); // %s stops at NUL
            return;
        }
        if (!spec.arityOk(a.count() - 3)) {
            ctx.out().error("ERR wrong number of arguments for '" + spec.name() + "' command");
            return;
        }
        Args sub = new Args();
        sub.reset(a.segment());
        for (int i = 3; i < a.count(); i++) {
            sub.addRaw(a.offset(i), a.length(i));
        }
        String denied = Acl.of(ctx.server()).dryRun(u, spec, sub);
        if (denied != null) {
            ctx.out().bulk(AclUser.bytes(denied));
            return;
        }
        ctx.out().ok();
    }

    // ---- the aclfile ---------------------------------------------------------------------------

    private static Path aclfile(ServerContext server) {
        String f = server.config().get("aclfile");
        return f == null || f.isEmpty() ? null : Path.of(f);
    }

    private static void save(CommandContext ctx) {
        Path f = aclfile(ctx.server());
        if (f == null) {
            ctx.out().error(NO_ACLFILE);
            return;
        }
        try {
            AclFile.save(ctx.server(), f);
        } catch (IOException e) {
            ctx.out().error("ERR There was an error trying to save the ACLs. Please check the server logs for more information");
            return;
        }
        ctx.out().ok();
    }

    private static void load(CommandContext ctx) {
        Path f = aclfile(ctx.server());
        if (f == null) {
            ctx.out().error(NO_ACLFILE);
            return;
        }
        String err = AclFile.load(ctx.server(), f, false);
        if (err != null) {
            ctx.out().error(err);
            return;
        }
        // Redis frees every old user but the default one, closing their connections
        closeSessionsOf(ctx, user -> !"default".equals(user));
        ctx.out().ok();
    }
}
