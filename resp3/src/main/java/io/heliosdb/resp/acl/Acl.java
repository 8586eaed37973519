package io.heliosdb.resp.acl;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

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
    private long nextLogId;

    public Acl(CommandTable table) {
        this.table = table;
        users.put("default", defaultUser());
    }

    private AclUser defaultUser() {
        AclUser u = new AclUser("default");
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
    public synchronized String setUser(String name, List<String> rules) {
        AclUser old = users.get(name);
        AclUser u = old == null ? new AclUser(name) : old.copy();
        for (String r : rules) {
            String why = u.apply(r, table);
            if (why != null) {
                return "ERR Error in ACL SETUSER modifier '" + r + "': " + why;
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

    /** Null when {@code user} may run the call, else the NOPERM error (and a log entry). */
    public String check(AclUser u, CommandSpec spec, Args a, String clientInfo) {
        if (u == null) {
            return "NOPERM User no longer exists";
        }
        if (!u.mayRun(spec)) {
            addLog("command", spec.name(), u.name, clientInfo);
            return "NOPERM this user has no permissions to run the '" + spec.name() + "' command";
        }
        int first = spec.firstKeyOf(a);
        if (first > 0 && a.count() > first) {
            int last = spec.lastKeyOf(a);
            for (int i = first; i <= last; i += spec.keyStepOf()) {
                byte[] key = a.bytes(i);
                if (!u.mayAccessKey(key, !spec.isWrite() || spec.flags().contains("readonly"), spec.isWrite())) {
                    addLog("key", new String(key, java.nio.charset.StandardCharsets.UTF_8), u.name, clientInfo);
                    return NOPERM_KEY;
                }
            }
        }
        String channelError = checkChannels(u, spec, a, clientInfo);
        return channelError;
    }

    private String checkChannels(AclUser u, CommandSpec spec, Args a, String clientInfo) {
        String n = spec.name();
        int from;
        int to;
        boolean pattern = false;
        switch (n) {
            case "publish", "spublish" -> {
                from = 1;
                to = 1;
            }
            case "subscribe", "ssubscribe" -> {
                from = 1;
                to = a.count() - 1;
            }
            case "psubscribe" -> {
                from = 1;
                to = a.count() - 1;
                pattern = true;
            }
            default -> {
                return null;
            }
        }
        for (int i = from; i <= to; i++) {
            if (!u.mayAccessChannel(a.bytes(i), pattern)) {
                addLog("channel", a.string(i), u.name, clientInfo);
                return NOPERM_CHANNEL;
            }
        }
        return null;
    }

    // ---- ACL LOG -----------------------------------------------------------------------------

    /** One ACL LOG entry: identical denials within a minute are counted on one entry, as Redis does. */
    static final class LogEntry {
        long count = 1;
        final String reason;
        final String object;
        final String username;
        final long id;
        final long created;
        long updated;
        String clientInfo;

        LogEntry(String reason, String object, String username, long id, long now, String clientInfo) {
            this.reason = reason;
            this.object = object;
            this.username = username;
            this.id = id;
            this.created = now;
            this.updated = now;
            this.clientInfo = clientInfo;
        }
    }

    public synchronized void addLog(String reason, String object, String username, String clientInfo) {
        long now = System.currentTimeMillis();
        for (LogEntry e : log) {
            if (e.reason.equals(reason) && e.object.equals(object) && e.username.equals(username) && now - e.updated < 60_000) {
                e.count++;
                e.updated = now;
                e.clientInfo = clientInfo;
                return;
            }
        }
        log.add(0, new LogEntry(reason, object, username, nextLogId++, now, clientInfo));
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
