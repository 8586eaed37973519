package io.heliosdb.resp.connection;

import io.heliosdb.resp.blocking.Blocking;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Help;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.pubsub.Subscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** CLIENT subcommands. Run on the calling client's loop; other sessions are only read or closed. */
final class ClientCommands {
    private static final byte[] ON = {'o', 'n'};
    private static final byte[] OFF = {'o', 'f', 'f'};
    private static final byte[] SKIP = {'s', 'k', 'i', 'p'};

    private ClientCommands() {}

    static void register(CommandTable t) {
        t.register("client|id", Routing.SESSION, ctx -> ctx.out().integer(ctx.session().id));
        t.register("client|unblock", Routing.SESSION, ClientCommands::unblock);
        t.register("client|setname", Routing.SESSION, ClientCommands::setname);
        t.register("client|getname", Routing.SESSION, ctx -> {
            String n = ctx.session().name;
            if (n.isEmpty()) {
                ctx.out().nullBulk();
            } else {
                ctx.out().bulk(n);
            }
        });
        t.register("client|list", Routing.SESSION, ClientCommands::list);
        t.register("client|info", Routing.SESSION, ctx -> ctx.out().verbatim(ClientLine.of(ctx.session(), ctx.now()) + "\n"));
        t.register("client|kill", Routing.SESSION, ClientCommands::kill);
        t.register("client|setinfo", Routing.SESSION, ClientCommands::setinfo);
        t.register("client|no-evict", Routing.SESSION, ctx -> onOff(ctx, true));
        t.register("client|no-touch", Routing.SESSION, ctx -> onOff(ctx, false));
        t.register("client|reply", Routing.SESSION, ClientCommands::reply);
        t.register("client|pause", Routing.SESSION, ClientCommands::pause);
        t.register("client|unpause", Routing.SESSION, ctx -> {
            ctx.server().pauseUntilMillis = 0;
            ctx.out().ok();
        });
        t.register("client|help", Routing.SESSION, Help.redis("CLIENT"));
    }

    static boolean validName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return true;
    }

    static void setname(CommandContext ctx) {
        String name = ctx.args().string(2);
        if (!validName(name)) {
            ctx.out().error("ERR Client names cannot contain spaces, newlines or special characters.");
            return;
        }
        ctx.session().name = name;
        ctx.out().ok();
    }

    static void setinfo(CommandContext ctx) {
        String attr = ctx.args().lower(2);
        String value = ctx.args().string(3);
        if (!validName(value) && !value.isEmpty()) {
            ctx.out().error("ERR " + attr + " cannot contain spaces, newlines or special characters.");
            return;
        }
        switch (attr) {
            case "lib-name" -> ctx.session().libName = value;
            case "lib-ver" -> ctx.session().libVersion = value;
            default -> {
                ctx.out().error("ERR Unrecognized option '" + ctx.args().string(2) + "'");
                return;
            }
        }
        ctx.out().ok();
    }

    static void onOff(CommandContext ctx, boolean evict) {
        Args a = ctx.args();
        boolean on;
        if (a.is(2, ON)) {
            on = true;
        } else if (a.is(2, OFF)) {
            on = false;
        } else {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        if (evict) {
            ctx.session().noEvict = on;
        } else {
            ctx.session().noTouch = on;
        }
        ctx.out().ok();
    }

    static void reply(CommandContext ctx) {
        Args a = ctx.args();
        if (a.is(2, ON)) {
            ctx.session().replyMode = ClientSession.ReplyMode.ON;
            ctx.out().ok();
        } else if (a.is(2, OFF)) {
            ctx.session().replyMode = ClientSession.ReplyMode.OFF;
        } else if (a.is(2, SKIP)) {
            ctx.session().replyMode = ClientSession.ReplyMode.SKIP;
        } else {
            ctx.out().error(Errors.SYNTAX);
        }
    }

    static void pause(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2) || a.parseLong(2) < 0) {
            ctx.out().error("ERR timeout is not an integer or out of range");
            return;
        }
        boolean writesOnly = false;
        if (a.count() == 4) {
            String mode = a.lower(3);
            if (mode.equals("write")) {
                writesOnly = true;
            } else if (!mode.equals("all")) {
                ctx.out().error("ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        } else if (a.count() > 4) {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        ServerContext server = ctx.server();
        long until = ctx.now() + a.parseLong(2);
        // A stricter pause (ALL) or a longer one wins, as in Redis.
        if (until > server.pauseUntilMillis || (!writesOnly && server.pauseWritesOnly)) {
            server.pauseWritesOnly = writesOnly && (server.pauseUntilMillis < ctx.now() || server.pauseWritesOnly);
            server.pauseUntilMillis = Math.max(until, server.pauseUntilMillis);
        }
        ctx.out().ok();
    }

    /** Redis' client type: "pubsub" for a RESP2 client in subscribed mode, else "normal" (no replicas here). */
    static String typeOf(ClientSession s) {
        return s.protocol == 2 && Subscriber.subscribed(s) ? "pubsub" : "normal";
    }

    static void list(CommandContext ctx) {
        Args a = ctx.args();
        // Redis 7.0 takes one filter: TYPE t, or ID followed by ids (listed in the order given)
        List<Long> ids = null;
        boolean byId = false;
        if (a.count() == 4 && a.lower(2).equals("type")) {
            String type = a.lower(3);
            if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                ctx.out().error("ERR Unknown client type '" + a.string(3) + "'");
                return;
            }
            ids = new ArrayList<>();
            for (ClientSession s : ctx.server().clients().all()) {
                if (typeOf(s).equals(type)) {
                    ids.add(s.id);
                }
            }
        } else if (a.count() > 3 && a.lower(2).equals("id")) {
            ids = new ArrayList<>();
            byId = true;
            for (int i = 3; i < a.count(); i++) {
                if (!a.isLong(i)) {
                    ctx.out().error("ERR Invalid client ID");
                    return;
                }
                ids.add(a.parseLong(i));
            }
        } else if (a.count() != 2) {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        StringBuilder b = new StringBuilder();
        long now = ctx.now();
        List<ClientSession> sessions = new ArrayList<>(ctx.server().clients().all());
        sessions.sort((x, y) -> Long.compare(x.id, y.id));
        if (byId) {
            for (long id : ids) {
                for (ClientSession s : sessions) {
                    if (s.id == id) {
                        b.append(ClientLine.of(s, now)).append('\n');
                    }
                }
            }
        } else {
            for (ClientSession s : sessions) {
                if (ids == null || ids.contains(s.id)) {
                    b.append(ClientLine.of(s, now)).append('\n');
                }
            }
        }
        ctx.out().verbatim(b.toString());
    }

    static void kill(CommandContext ctx) {
        Args a = ctx.args();
        ClientSession self = ctx.session();
        if (a.count() == 3) {
            String addr = a.string(2);
            for (ClientSession s : ctx.server().clients().all()) {
                if (s.addr.equals(addr)) {
                    close(s, self);
                    ctx.out().ok();
                    return;
                }
            }
            ctx.out().error("ERR No such client");
            return;
        }
        if (a.count() % 2 != 0) {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        Long id = null;
        String addr = null, laddr = null, user = null, type = null;
        boolean skipMe = true;
        for (int i = 2; i < a.count(); i += 2) {
            String opt = a.lower(i);
            String v = a.string(i + 1);
            switch (opt) {
                case "id" -> {
                    if (!a.isLong(i + 1) || a.parseLong(i + 1) <= 0) {
                        ctx.out().error("ERR client-id should be greater than 0");
                        return;
                    }
                    id = a.parseLong(i + 1);
                }
                case "addr" -> addr = v;
                case "laddr" -> laddr = v;
                case "user" -> {
                    if (!v.equals("default")) {
                        ctx.out().error("ERR No such user '" + v + "'");
                        return;
                    }
                    user = v;
                }
                case "type" -> {
                    type = v.toLowerCase(Locale.ROOT);
                    if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                        ctx.out().error("ERR Unknown client type '" + v + "'");
                        return;
                    }
                }
                case "skipme" -> {
                    String sv = v.toLowerCase(Locale.ROOT);
                    if (sv.equals("yes")) {
                        skipMe = true;
                    } else if (sv.equals("no")) {
                        skipMe = false;
                    } else {
                        ctx.out().error(Errors.SYNTAX);
                        return;
                    }
                }
                default -> {
                    ctx.out().error(Errors.SYNTAX);
                    return;
                }
            }
        }
        long killed = 0;
        for (ClientSession s : ctx.server().clients().all()) {
            if ((id != null && s.id != id) || (addr != null && !s.addr.equals(addr)) || (laddr != null && !s.laddr.equals(laddr))
                    || (user != null && !s.user.equals(user)) || (type != null && !typeOf(s).equals(type))
                    || (skipMe && s == self)) {
                continue;
            }
            close(s, self);
            killed++;
        }
        ctx.out().integer(killed);
    }

    private static void close(ClientSession s, ClientSession self) {
        if (s == self) {
            self.closeAfterReply = true; // reply first, then close, as Redis does
        } else {
            s.channel.close();
        }
    }

    /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends a blocking pop of another client. */
    static void unblock(CommandContext ctx) {
        Args a = ctx.args();
        boolean error = false;
        if (a.count() == 4) {
            String how = a.lower(3);
            if (how.equals("error")) {
                error = true;
            } else if (!how.equals("timeout")) {
                ctx.out().error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        } else if (a.count() > 4) {
            ctx.out().error(Errors.subcommandSyntax(a));
            return;
        }
        if (!a.isLong(2)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        ctx.out().integer(Blocking.unblock(ctx.server(), a.parseLong(2), error) ? 1 : 0);
    }
}
