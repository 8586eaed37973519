package io.heliosdb.resp.connection;

import io.heliosdb.resp.acl.Acl;
import io.heliosdb.resp.acl.AclUser;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.pubsub.PubSub;
import io.heliosdb.resp.pubsub.PubSubCommands;
import io.heliosdb.resp.pubsub.Subscriber;
import io.heliosdb.resp.tracking.TrackingCommands;
import io.heliosdb.resp.transactions.TransactionCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The connection family: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT. Runs on the client's loop. */
public final class ConnectionCommands {
    private static final byte[] AUTH = "auth".getBytes();
    private static final byte[] SETNAME = "setname".getBytes();
    private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);

    private ConnectionCommands() {}

    public static void register(CommandTable t) {
        t.register("ping", Routing.SESSION, ConnectionCommands::ping);
        t.register("echo", Routing.SESSION, ctx -> ctx.out().bulk(ctx.args().segment(), ctx.args().offset(1), ctx.args().length(1)));
        t.register("quit", Routing.SESSION, ctx -> {
            ctx.out().ok();
            ctx.session().closeAfterReply = true;
        });
        t.register("reset", Routing.SESSION, ConnectionCommands::reset);
        t.register("hello", Routing.SESSION, ConnectionCommands::hello);
        t.register("auth", Routing.SESSION, ConnectionCommands::auth);
        t.register("select", Routing.SESSION, ConnectionCommands::select);
        t.register("monitor", Routing.SESSION, ConnectionCommands::monitor);
        ClientCommands.register(t);
    }

    static void ping(CommandContext ctx) {
        Args a = ctx.args();
        ClientSession s = ctx.session();
        if (a.count() > 2) {
            ctx.wrongArgs();
        } else if (s.protocol == 2 && Subscriber.subscribed(s)) {
            // subscribed RESP2 clients get PING's answer in the shape of a message
            ctx.out().array(2);
            ctx.out().bulk("pong");
            if (a.count() == 2) {
                ctx.out().bulk(a.segment(), a.offset(1), a.length(1));
            } else {
                ctx.out().bulk("");
            }
        } else if (a.count() == 2) {
            ctx.out().bulk(a.segment(), a.offset(1), a.length(1));
        } else {
            ctx.out().buffer().writeBytes(PONG);
        }
    }

    static void reset(CommandContext ctx) {
        ClientSession s = ctx.session();
        s.db = 0;
        s.protocol = 2;
        s.name = "";
        s.noEvict = false;
        s.noTouch = false;
        s.replyMode = ClientSession.ReplyMode.ON;
        s.user = "default";
        s.authenticated = ctx.server().config().get("requirepass").isEmpty();
        TransactionCommands.discard(s);
        PubSubCommands.unsubscribeAll(PubSub.of(ctx.server()), s);
        TrackingCommands.off(ctx.server(), s);
        Monitors.of(ctx.server()).remove(s);
        ctx.out().simple("RESET");
    }

    /**
     * MONITOR: from now on the client is sent every command the server runs ({@link
     * io.heliosdb.resp.engine.Monitors}). Inside EXEC it is refused, and a second MONITOR is ignored
     * without a reply, both as in Redis.
     */
    static void monitor(CommandContext ctx) {
        ClientSession s = ctx.session();
        if (s.inExec) {
            ctx.out().error("ERR MONITOR isn't allowed for DENY BLOCKING client");
            return;
        }
        if (!s.monitor) {
            Monitors.of(ctx.server()).add(s);
            ctx.out().ok();
        }
    }

    static void select(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(1)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long db = a.parseLong(1);
        if (db != (int) db) {
            ctx.out().error(Errors.INT_RANGE); // Redis: getIntFromObjectOrReply
            return;
        }
        if (db < 0 || db >= ctx.server().databases()) {
            ctx.out().error(Errors.DB_RANGE);
            return;
        }
        ctx.session().db = (int) db;
        ctx.out().ok();
    }

    /** Checks a password against requirepass in constant time. Only the "default" user exists yet. */
    static boolean checkPassword(ServerContext server, String user, byte[] password) {
        String required = server.config().get("requirepass");
        if (!"default".equals(user) || Acl.of(server).restricted("default")) {
            AclUser u = Acl.of(server).user(user);
            return u != null && u.checkPassword(password);
        }
        if (required.isEmpty()) {
            return true; // the default user is "nopass"
        }
        return MessageDigest.isEqual(required.getBytes(StandardCharsets.UTF_8), password);
    }

    /** checkPassword, and a failure goes to ACL LOG under the command's name as typed (Redis' argv[0]). */
    private static boolean authenticate(CommandContext ctx, String user, byte[] password) {
        if (checkPassword(ctx.server(), user, password)) {
            return true;
        }
        Acl.of(ctx.server()).addLog("auth", Acl.TOPLEVEL,
                new String(ctx.args().bytes(0), StandardCharsets.ISO_8859_1), user, ClientLine.of(ctx.session(), ctx.now())); // one char per byte
        return false;
    }

    static void auth(CommandContext ctx) {
        Args a = ctx.args();
        if (a.count() > 3) {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        String user = a.count() == 3 ? a.string(1) : "default";
        byte[] pass = a.bytes(a.count() - 1);
        if (a.count() == 2 && ctx.server().config().get("requirepass").isEmpty()) {
            ctx.out().error("ERR AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?");
            return;
        }
        if (!authenticate(ctx, user, pass)) {
            ctx.out().error(Errors.WRONGPASS);
            return;
        }
        ctx.session().authenticated = true;
        ctx.session().user = user;
        ctx.out().ok();
    }

    static void hello(CommandContext ctx) {
        Args a = ctx.args();
        ClientSession s = ctx.session();
        int protocol = s.protocol;
        int i = 1;
        if (a.count() >= 2) {
            if (!a.isLong(1)) {
                ctx.out().error("ERR Protocol version is not an integer or out of range");
                return;
            }
            long v = a.parseLong(1);
            if (v < 2 || v > 3) {
                ctx.out().error(Errors.NOPROTO);
                return;
            }
            protocol = (int) v;
            i = 2;
        }
        String user = null;
        byte[] pass = null;
        String name = null;
        for (; i < a.count(); i++) {
            if (a.is(i, AUTH) && i + 2 < a.count()) {
                // Redis 7.0 authenticates right here, before reading the options that follow
                user = a.string(i + 1);
                pass = a.bytes(i + 2);
                i += 2;
                if (!authenticate(ctx, user, pass)) {
                    ctx.out().error(Errors.WRONGPASS);
                    return;
                }
                s.authenticated = true;
                s.user = user;
            } else if (a.is(i, SETNAME) && i + 1 < a.count()) {
                name = a.string(++i);
                if (!ClientCommands.validName(name)) {
                    ctx.out().error("ERR Client names cannot contain spaces, newlines or special characters.");
                    return;
                }
            } else {
                ctx.out().error("ERR Syntax error in HELLO option '" + a.string(i) + "'");
                return;
            }
        }
        if (!s.authenticated) {
            ctx.out().error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                    + "<proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
                    + "protocol version at the same time");
            return;
        }
        if (name != null) {
            s.name = name;
        }
        s.protocol = protocol;
        RespWriter out = ctx.out().wrap(ctx.out().buffer(), protocol);
        out.map(7);
        out.bulk("server");
        out.bulk("redis");
        out.bulk("version");
        out.bulk(ServerContext.REDIS_VERSION);
        out.bulk("proto");
        out.integer(protocol);
        out.bulk("id");
        out.integer(s.id);
        out.bulk("mode");
        out.bulk("standalone");
        out.bulk("role");
        out.bulk("master");
        out.bulk("modules");
        out.array(0);
    }
}
