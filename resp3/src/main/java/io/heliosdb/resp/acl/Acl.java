package io.heliosdb.resp.acl;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.ServerContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The server's ACL users. Users are replaced whole on every ACL SETUSER (copy on write), so a
 * connection checks permissions against a consistent user without locks. While only the
 * unrestricted default user exists, connections of the default user skip the checks entirely.
 */
public final class Acl {
    public static final String NOPERM_KEY = "NOPERM this user has no permissions to access one of the keys used as arguments";
    public static final String NOPERM_CHANNEL = "NOPERM this user has no permissions to access one of the channels used as arguments";

    private final CommandTable table;
    private final Map<String, AclUser> users = new ConcurrentHashMap<>();
    /** The default user was changed by ACL SETUSER: its connections are checked too. */
    private volatile boolean defaultRestricted;
    final List<LogEntry> log = new ArrayList<>();

    /** acl-pubsub-default: new users and selectors may use every channel (allchannels) or none. */
    private final BooleanSupplier allChannelsByDefault;

    public static final Feature<Acl> FEATURE = Feature.named("acl");

    /** ACL users (the default user unrestricted until ACL SETUSER changes it). */
    public static Acl of(ServerContext server) {
        return server.get(FEATURE);
    }

    /** A client's CLIENT LIST line, for ACL LOG's client-info (the connection layer above renders it). */
    public interface ClientInfo {
        String of(ClientSession who, long now);
    }

    private final ClientInfo clientInfo;

    public Acl(CommandTable table, BooleanSupplier allChannelsByDefault, ClientInfo clientInfo) {
        this.table = table;
        this.allChannelsByDefault = allChannelsByDefault;
        this.clientInfo = clientInfo;
        users.put("default", defaultUser());
    }

    /** A new user: off, no passwords, no commands, no keys, channels as acl-pubsub-default says. */
    AclUser newUser(String name) {
        return new AclUser(name, allChannelsByDefault);
    }

    private AclUser defaultUser() {
        AclUser u = newUser("default");
        u.apply("on", table);
        u.apply("nopass", table);
        u.apply("~*", table);
        u.apply("&*", table);
        u.apply("+@all", table);
        return u;
    }

    public AclUser user(String name) {
        return users.get(name);
    }

    /** Whether connections of {@code user} must be checked at all. */
    public boolean restricted(String user) {
        return !"default".equals(user) || defaultRestricted;
    }

    /** Users by name, sorted. */
    public TreeMap<String, AclUser> sorted() {
        return new TreeMap<>(users);
    }

    /** ACL SETUSER: applies the rules to a copy (a new user starts disabled, with nothing allowed); null or the error. */
    public synchronized String setUser(String name, List<String> given) {
        List<String> rules;
        try {
            rules = AclUser.mergeSelectors(given);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        AclUser old = users.get(name);
        AclUser u = old == null ? newUser(name) : old.copy();
        for (String r : rules) {
            if (r.isEmpty()) {
                continue; // Redis: an empty rule is a no-op
            }
            String why = u.apply(r, table);
            if (why != null) {
                int nul = r.indexOf('\0'); // Redis formats the rule with %s: it ends at a NUL byte
                return "ERR Error in ACL SETUSER modifier '" + (nul < 0 ? r : r.substring(0, nul)) + "': " + why;
            }
        }
        users.put(name, u);
        if (name.equals("default")) {
            defaultRestricted = true;
        }
        return null;
    }

    public synchronized boolean delete(String name) {
        return users.remove(name) != null;
    }

    /** Replaces every user (ACL LOAD); the default user is recreated when the file has none. */
    public synchronized void replaceAll(Map<String, AclUser> loaded) {
        users.clear();
        users.putAll(loaded);
        users.putIfAbsent("default", defaultUser());
        defaultRestricted = true;
    }

    /** ACL LOG contexts: where a denied call came from. */
    public static final String TOPLEVEL = "toplevel";
    public static final String MULTI = "multi";
    public static final String LUA = "lua";

    /**
     * Null when {@code user} may run the call, else the NOPERM error and a log entry under
     * {@code context} ({@link #TOPLEVEL}, {@link #MULTI} while queueing, {@link #LUA}).
     */
    public String check(AclUser u, CommandSpec spec, Args a, ClientSession who, String context) {
        if (u == null) {
            return "NOPERM User no longer exists";
        }
        long denial = u.check(spec, a);
        if (denial == AclSelector.OK) {
            return null;
        }
        int reason = (int) (denial >>> 32);
        int arg = (int) denial;
        String clientInfo = this.clientInfo.of(who, System.currentTimeMillis()); // ACL LOG's client-info: its CLIENT LIST line
        switch (reason) {
            case AclSelector.DENIED_KEY -> {
                addLog("key", context, latin1(a, arg), u.name, clientInfo);
                return NOPERM_KEY;
            }
            case AclSelector.DENIED_CHANNEL -> {
                addLog("channel", context, latin1(a, arg), u.name, clientInfo);
                return NOPERM_CHANNEL;
            }
            default -> {
                addLog("command", context, spec.name(), u.name, clientInfo);
                return "NOPERM this user has no permissions to run the '" + spec.name() + "' command";
            }
        }
    }

    /** Whether {@code u} may run the call, logging nothing (redis.acl_check_cmd). */
    public boolean permits(AclUser u, CommandSpec spec, Args a) {
        return u != null && u.check(spec, a) == AclSelector.OK;
    }

    /** Argument {@code i} one char per byte, as ACL texts are held (AclUser). */
    private static String latin1(Args a, int i) {
        return i < a.count() ? new String(a.bytes(i), StandardCharsets.ISO_8859_1) : "";
    }

    /** ACL DRYRUN's answer (one char per byte): null when allowed, else Redis' sentence for the refusal. */
    String dryRun(AclUser u, CommandSpec spec, Args a) {
        long denial = u.check(spec, a);
        if (denial == AclSelector.OK) {
            return null;
        }
        int arg = (int) denial;
        return switch ((int) (denial >>> 32)) {
            case AclSelector.DENIED_KEY -> "This user has no permissions to access the '" + latin1(a, arg) + "' key";
            case AclSelector.DENIED_CHANNEL -> "This user has no permissions to access the '" + latin1(a, arg) + "' channel";
            default -> "This user has no permissions to run the '" + spec.name() + "' command";
        };
    }

    // ---- ACL LOG -----------------------------------------------------------------------------

    /** One ACL LOG entry: like denials within a minute are counted on one entry, as Redis 7.0 does. */
    static final class LogEntry {
        long count = 1;
        final String reason;
        final String context;
        /** The command, key or channel, one char per byte. */
        final String object;
        final String username;
        /** When it last happened (Redis' ctime, moved on every repeat; age-seconds counts from it). */
        long time;
        String clientInfo;

        LogEntry(String reason, String context, String object, String username, long now, String clientInfo) {
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.time = now;
            this.clientInfo = clientInfo;
        }
    }

    /**
     * Adds a denial, or counts it on a like entry among the 10 newest (Redis' addACLLogEntry scans
     * no further), which then moves to the head.
     */
    public synchronized void addLog(String reason, String context, String object, String username, String clientInfo) {
        long now = System.currentTimeMillis();
        for (int i = 0; i < Math.min(10, log.size()); i++) {
            LogEntry e = log.get(i);
            if (e.reason.equals(reason) && e.context.equals(context) && Math.abs(now - e.time) <= 60_000 && e.object.equals(object) && e.username.equals(username)) {
                e.count++;
                e.time = now;
                e.clientInfo = clientInfo;
                log.add(0, log.remove(i));
                return;
            }
        }
        log.add(0, new LogEntry(reason, context, object, username, now, clientInfo));
        while (log.size() > 128) {
            log.remove(log.size() - 1);
        }
    }

    synchronized List<LogEntry> logEntries() {
        return new ArrayList<>(log);
    }

    synchronized void resetLog() {
        log.clear();
    }

    CommandTable table() {
        return table;
    }
}
