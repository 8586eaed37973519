package io.heliosdb.resp.server;

import io.heliosdb.memory.GlobMatcher;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Help;
import io.heliosdb.resp.command.KeyExtraction;
import io.heliosdb.resp.command.Routing;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** COMMAND and its subcommands, answered from the same table that dispatches. */
final class CommandCommands {
    private CommandCommands() {}

    static void register(CommandTable t) {
        t.register("command", Routing.SESSION, ctx -> all(ctx, t));
        t.register("command|count", Routing.SESSION, ctx -> ctx.out().integer(implemented(t).size()));
        t.register("command|info", Routing.SESSION, ctx -> info(ctx, t));
        t.register("command|docs", Routing.SESSION, ctx -> docs(ctx, t));
        t.register("command|list", Routing.SESSION, ctx -> list(ctx, t));
        t.register("command|getkeys", Routing.SESSION, ctx -> getkeys(ctx, t, false));
        t.register("command|getkeysandflags", Routing.SESSION, ctx -> getkeys(ctx, t, true));
        t.register("command|help", Routing.SESSION, Help.redis("COMMAND"));
    }

    /** Top-level commands this server implements (with at least one implemented subcommand). */
    static List<CommandSpec> implemented(CommandTable t) {
        List<CommandSpec> l = new ArrayList<>();
        for (CommandSpec s : t.all()) {
            if (s.isImplemented()) {
                l.add(s);
            }
        }
        return l;
    }

    /** COMMAND with no subcommand is the "command" container itself: same as COMMAND INFO. */
    static void all(CommandContext ctx, CommandTable t) {
        List<CommandSpec> l = implemented(t);
        ctx.out().array(l.size());
        for (CommandSpec s : l) {
            writeInfo(ctx.out(), s);
        }
    }

    static void info(CommandContext ctx, CommandTable t) {
        Args a = ctx.args();
        if (a.count() == 2) {
            all(ctx, t);
            return;
        }
        ctx.out().array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            CommandSpec s = t.find(a.string(i));
            if (s == null || !s.isImplemented()) {
                ctx.out().nullArray();
            } else {
                writeInfo(ctx.out(), s);
            }
        }
    }

    static void writeInfo(RespWriter out, CommandSpec s) {
        out.array(10);
        out.bulk(s.name());
        out.integer(s.arity());
        out.set(s.flags().size());
        for (String f : s.flags()) {
            out.simple(f);
        }
        out.integer(s.firstKey());
        out.integer(s.lastKey());
        out.integer(s.keyStep());
        out.set(s.aclCategories().size());
        for (String c : s.aclCategories()) {
            out.simple(c);
        }
        List<Object> tips = tipsOf(s);
        out.set(tips.size());
        for (Object tip : tips) {
            out.bulk((String) tip);
        }
        // Redis 7 sends key specs and subcommands as RESP3 sets.
        List<Object> keySpecs = keySpecsOf(s);
        out.set(keySpecs.size());
        for (Object spec : keySpecs) {
            JsonReply.write(out, spec, null);
        }
        List<CommandSpec> subs = new ArrayList<>();
        for (CommandSpec sub : s.subcommands().values()) {
            if (sub.handler() != null) {
                subs.add(sub);
            }
        }
        out.set(subs.size());
        for (CommandSpec sub : subs) {
            writeInfo(out, sub);
        }
    }

    private static List<Object> tipsOf(CommandSpec s) {
        return s.tips();
    }

    private static List<Object> keySpecsOf(CommandSpec s) {
        return s.keySpecs();
    }

    static void docs(CommandContext ctx, CommandTable t) {
        Args a = ctx.args();
        List<CommandSpec> specs = new ArrayList<>();
        if (a.count() == 2) {
            specs.addAll(implemented(t));
        } else {
            for (int i = 2; i < a.count(); i++) {
                CommandSpec s = t.find(a.string(i));
                if (s != null && s.isImplemented()) {
                    specs.add(s);
                }
            }
        }
        RespWriter out = ctx.out();
        out.map(specs.size());
        for (CommandSpec s : specs) {
            out.bulk(s.name());
            JsonReply.write(out, s.docs(), null);
        }
    }

    static void list(CommandContext ctx, CommandTable t) {
        Args a = ctx.args();
        String filter = null, value = null;
        if (a.count() == 5 && a.lower(2).equals("filterby")) {
            filter = a.lower(3);
            value = a.string(4);
            if (!filter.equals("module") && !filter.equals("aclcat") && !filter.equals("pattern")) {
                ctx.out().error(Errors.SYNTAX); // Redis knows these three filters only
                return;
            }
        } else if (a.count() != 2) {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec s : t.allRows()) {
            if ((s.container() == null && s.handler() == null && !s.isImplemented()) || (s.container() != null && s.handler() == null)) {
                continue;
            }
            if (filter != null) {
                boolean keep = switch (filter) {
                    case "module" -> false;
                    case "aclcat" -> s.aclCategories().contains("@" + value.toLowerCase(Locale.ROOT));
                    case "pattern" -> GlobMatcher.matches(value.toLowerCase(Locale.ROOT), s.name(), true);
                    default -> true;
                };
                if (!keep) {
                    continue;
                }
            }
            names.add(s.name());
        }
        ctx.out().array(names.size());
        for (String n : names) {
            ctx.out().bulk(n);
        }
    }

    /** COMMAND GETKEYS / GETKEYSANDFLAGS full-command: Redis' checks in its order, then the keys as db.c finds them. */
    static void getkeys(CommandContext ctx, CommandTable t, boolean withFlags) {
        Args a = ctx.args();
        CommandSpec s = t.find(a.string(2));
        if (s != null && s.isContainer() && a.count() > 3) {
            s = s.subcommands().get(a.lower(3));
        }
        if (s == null || !s.isImplemented()) {
            ctx.out().error("ERR Invalid command specified");
            return;
        }
        if (!KeyExtraction.hasKeys(s)) {
            ctx.out().error("ERR The command has no key arguments");
            return;
        }
        if (!s.arityOk(a.count() - 2)) {
            ctx.out().error("ERR Invalid number of arguments specified for command");
            return;
        }
        List<KeyExtraction.Key> keys = KeyExtraction.keys(s, a, 2);
        if (keys.isEmpty()) {
            if (s.flags().contains("no_mandatory_keys")) {
                ctx.out().array(0);
            } else {
                ctx.out().error("ERR Invalid arguments specified for command");
            }
            return;
        }
        RespWriter out = ctx.out();
        out.array(keys.size());
        for (KeyExtraction.Key k : keys) {
            int i = k.pos() + 2;
            if (withFlags) {
                out.array(2);
                out.bulk(a.segment(), a.offset(i), a.length(i));
                out.set(k.flags().size());
                for (String f : k.flags()) {
                    out.simple(f);
                }
            } else {
                out.bulk(a.segment(), a.offset(i), a.length(i));
            }
        }
    }
}
