package io.heliosdb.resp.notify;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.engine.NotifyFlags;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.resp.pubsub.PubSub;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Keyspace notifications (notify-keyspace-events). While they are on, the shard's change hook
 * records which keys a command changed (and whether each is gone at the end); when the command ends
 * this class turns that into Redis' events: the command's own event (named as Redis names it, "set"
 * for SETEX, "incrby" for INCR, "rename_from"/"rename_to"...), then "del" for a collection the command
 * emptied. Expiry and eviction deletes announce themselves at once ("expired", "evicted"). Each event
 * goes to __keyspace@DB__:KEY (message: the event) and/or __keyevent@DB__:EVENT (message: the key).
 */
public final class KeyspaceEvents {
    // Redis' NOTIFY_* flags (NotifyFlags has them, below this feature).
    public static final int KEYSPACE = NotifyFlags.KEYSPACE;
    public static final int KEYEVENT = NotifyFlags.KEYEVENT;
    public static final int GENERIC = NotifyFlags.GENERIC;
    public static final int STRING = NotifyFlags.STRING;
    public static final int LIST = NotifyFlags.LIST;
    public static final int SET = NotifyFlags.SET;
    public static final int HASH = NotifyFlags.HASH;
    public static final int ZSET = NotifyFlags.ZSET;
    public static final int EXPIRED = NotifyFlags.EXPIRED;
    public static final int EVICTED = NotifyFlags.EVICTED;
    public static final int STREAM = NotifyFlags.STREAM;
    public static final int KEY_MISS = NotifyFlags.KEY_MISS;
    public static final int MODULE = NotifyFlags.MODULE;
    public static final int NEW = NotifyFlags.NEW;
    public static final int ALL = NotifyFlags.ALL;

    private KeyspaceEvents() {}

    /** The flags of a notify-keyspace-events value; -1 when it has a character Redis refuses. */
    public static int parse(String s) {
        return NotifyFlags.parse(s);
    }

    /** Publishes one event from the shard's thread. */
    public static void publish(ShardState state, int flags, int type, String event, byte[] key, int db) {
        if ((flags & type) == 0) {
            return;
        }
        byte[] ev = event.getBytes(StandardCharsets.US_ASCII);
        if ((flags & KEYSPACE) != 0) {
            byte[] ch = concat(("__keyspace@" + db + "__:").getBytes(StandardCharsets.US_ASCII), key);
            PubSub.of(state.server()).publish(state.shard(), false, ch, ev);
        }
        if ((flags & KEYEVENT) != 0) {
            byte[] ch = ("__keyevent@" + db + "__:" + event).getBytes(StandardCharsets.US_ASCII);
            PubSub.of(state.server()).publish(state.shard(), false, ch, key);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** A key a command changed: its bytes, and whether it is gone at the end. */
    public static final class Change {
        final byte[] key;
        boolean removed;
        /** The command created the key (class n: "new"). */
        boolean created;

        Change(byte[] key) {
            this.key = key;
        }
    }

    /** Records that a command created a key ("new"), before its change. */
    public static void recordCreated(List<Change> changes, byte[] key) {
        for (Change c : changes) {
            if (Arrays.equals(c.key, key)) {
                c.created = true;
                return;
            }
        }
        Change c = new Change(key);
        c.created = true;
        changes.add(c);
    }

    /** Records a change during a command (in order of first change; the last state wins). */
    public static void record(List<Change> changes, byte[] key, boolean removed) {
        for (Change c : changes) {
            if (Arrays.equals(c.key, key)) {
                c.removed = removed;
                return;
            }
        }
        Change c = new Change(key);
        c.removed = removed;
        changes.add(c);
    }

    private static final Set<String> DELETING = Set.of("del", "unlink", "getdel", "migrate");
    private static final Set<String> SILENT = Set.of("xack", "xclaim", "xautoclaim", "xreadgroup", "pfcount", "pfdebug");
    private static final Set<String> STORES = Set.of("sinterstore", "sunionstore", "sdiffstore", "zunionstore", "zinterstore",
            "zdiffstore", "zrangestore", "georadius", "georadiusbymember", "geosearchstore", "sort", "bitop", "pfmerge");

    /** After a command: its events for the keys it changed. */
    public static void commandEnded(ShardState state, int flags, CommandSpec spec, Args a, List<Change> changes, int db) {
        String cmd = spec.container() == null ? spec.name() : spec.name().replace('|', ' ');
        if (cmd.equals("mset") || cmd.equals("msetnx")) {
            // per key argument, repeated keys too: "new" when it created the key, then "set"
            for (int i = 1; i + 1 < a.count(); i += 2) {
                byte[] key = a.bytes(i);
                if (changes.stream().noneMatch(c -> Arrays.equals(c.key, key))) {
                    continue; // a key of another shard: announced by that shard's part of the command
                }
                for (Change c : changes) {
                    if (c.created && Arrays.equals(c.key, key)) {
                        c.created = false;
                        publish(state, flags, NEW, "new", key, db);
                    }
                }
                publish(state, flags, STRING, "set", key, db);
            }
            return;
        }
        if ((cmd.endsWith("lmove") || cmd.endsWith("rpoplpush")) && Arrays.equals(a.bytes(1), a.bytes(2))) {
            changes.forEach(c -> c.created = false); // a rotation: the list is popped and pushed, never new
        }
        if (cmd.startsWith("rename") || cmd.equals("copy") || cmd.equals("restore")) {
            // Redis deletes the destination and adds it anew: "new" even when it existed
            byte[] dst = a.bytes(cmd.equals("restore") ? 1 : 2);
            for (Change c : changes) {
                if (!c.removed && Arrays.equals(c.key, dst)) {
                    c.created = true;
                }
            }
        }
        boolean newFirst = cmd.startsWith("rename"); // RENAME adds the destination before announcing anything
        if (newFirst) {
            for (Change c : changes) {
                if (c.created) {
                    publish(state, flags, NEW, "new", c.key, db);
                }
            }
        }
        if (SILENT.contains(cmd)) {
            return;
        }

        if (cmd.endsWith("lmove") || cmd.endsWith("rpoplpush")) {
            // Redis announces the push onto the destination before the pop from the source
            changes = new ArrayList<>(changes);
            changes.sort(Comparator.comparingInt(c -> Arrays.equals(c.key, a.bytes(2)) ? 0 : 1));
        }
        for (Change c : changes) {
            if (c.created && !newFirst) {
                publish(state, flags, NEW, "new", c.key, db); // created as the command ran, before its events
            }
            int arg = argOf(spec, a, c.key);
            if (c.removed && (DELETING.contains(cmd) || STORES.contains(cmd) || cmd.startsWith("expire") || cmd.startsWith("pexpire")
                    || (cmd.equals("set") && a.count() > 3) || cmd.equals("getex") || cmd.equals("restore"))) {
                publish(state, flags, GENERIC, "del", c.key, db);
                continue;
            }
            for (String[] ev : events(spec, cmd, a, arg)) {
                publish(state, flags, typeOf(ev[1]), ev[0], c.key, db);
            }
            if (c.removed && !cmd.startsWith("rename") && !cmd.equals("move")) {
                publish(state, flags, GENERIC, "del", c.key, db); // the command emptied a collection
            }
        }
    }

    private static int argOf(CommandSpec spec, Args a, byte[] key) {
        for (int i = 1; i < a.count(); i++) {
            if (a.length(i) == key.length && Arrays.equals(a.bytes(i), key)) {
                return i;
            }
        }
        return -1;
    }

    private static int typeOf(String t) {
        return switch (t) {
            case "$" -> STRING;
            case "l" -> LIST;
            case "s" -> SET;
            case "h" -> HASH;
            case "z" -> ZSET;
            case "t" -> STREAM;
            default -> GENERIC;
        };
    }

    private static String[] e(String event, String type) {
        return new String[]{event, type};
    }

    /** The events Redis sends for {@code cmd} on the key at argument {@code arg}: {event, type} pairs. */
    static List<String[]> events(CommandSpec spec, String cmd, Args a, int arg) {
        List<String[]> l = new ArrayList<>(2);
        switch (cmd) {
            case "set" -> {
                l.add(e("set", "$"));
                for (int i = 3; i < a.count(); i++) {
                    String o = a.lower(i);
                    if (o.equals("ex") || o.equals("px") || o.equals("exat") || o.equals("pxat")) {
                        l.add(e("expire", "g"));
                    }
                }
            }
            case "setex", "psetex" -> {
                l.add(e("set", "$"));
                l.add(e("expire", "g"));
            }
            case "setnx", "getset", "mset", "msetnx", "bitop" -> l.add(e("set", "$"));
            case "incr", "incrby" -> l.add(e("incrby", "$"));
            case "decr", "decrby" -> l.add(e("incrby", "$")); // Redis names DECR's event "incrby" too
            case "bitfield" -> l.add(e("setbit", "$"));
            case "getex" -> {
                for (int i = 2; i < a.count(); i++) {
                    String o = a.lower(i);
                    if (o.equals("persist")) {
                        l.add(e("persist", "g"));
                    } else if (!o.isEmpty() && Set.of("ex", "px", "exat", "pxat").contains(o)) {
                        l.add(e("expire", "g"));
                    }
                }
            }
            case "pfadd", "pfmerge" -> l.add(e("pfadd", "$"));
            case "expire", "pexpire", "expireat", "pexpireat" -> l.add(e("expire", "g"));
            case "persist" -> l.add(e("persist", "g"));
            case "rename", "renamenx" -> l.add(e(arg == 1 ? "rename_from" : "rename_to", "g"));
            case "copy" -> l.add(e("copy_to", "g"));
            case "move" -> l.add(e("move_from", "g"));
            case "restore" -> l.add(e("restore", "g"));
            case "sort" -> l.add(e("sortstore", "l"));
            case "blpop" -> l.add(e("lpop", "l"));
            case "brpop" -> l.add(e("rpop", "l"));
            case "lmpop", "blmpop" -> l.add(e(hasWord(a, "left") ? "lpop" : "rpop", "l"));
            case "rpoplpush", "brpoplpush" -> {
                boolean same = Arrays.equals(a.bytes(1), a.bytes(2));
                if (arg == 2 || same) {
                    l.add(e("lpush", "l"));
                }
                if (arg == 1 || same) {
                    l.add(e("rpop", "l"));
                }
            }
            case "lmove", "blmove" -> {
                boolean same = Arrays.equals(a.bytes(1), a.bytes(2));
                if (arg == 2 || same) { // the push first, as Redis announces it
                    l.add(e(a.lower(4).equals("left") ? "lpush" : "rpush", "l"));
                }
                if (arg == 1 || same) {
                    l.add(e(a.lower(3).equals("left") ? "lpop" : "rpop", "l"));
                }
            }
            case "hmset", "hsetnx" -> l.add(e("hset", "h"));
            case "smove" -> l.add(e(arg == 1 ? "srem" : "sadd", "s"));
            case "zincrby" -> l.add(e("zincr", "z"));
            case "zadd" -> l.add(e(hasWord(a, "incr") ? "zincr" : "zadd", "z"));
            case "geoadd" -> l.add(e("zadd", "z"));
            case "bzpopmin" -> l.add(e("zpopmin", "z"));
            case "bzpopmax" -> l.add(e("zpopmax", "z"));
            case "zmpop", "bzmpop" -> l.add(e(hasWord(a, "min") ? "zpopmin" : "zpopmax", "z"));
            case "zremrangebyscore", "zremrangebyrank", "zremrangebylex" -> l.add(e(cmd, "z"));
            case "xgroup create" -> l.add(e("xgroup-create", "t"));
            case "xgroup setid" -> l.add(e("xgroup-setid", "t"));
            case "xgroup destroy" -> l.add(e("xgroup-destroy", "t"));
            case "xgroup createconsumer" -> l.add(e("xgroup-createconsumer", "t"));
            case "xgroup delconsumer" -> l.add(e("xgroup-delconsumer", "t"));
            default -> l.add(e(cmd, typeOfCategories(spec)));
        }
        return l;
    }

    private static boolean hasWord(Args a, String w) {
        for (int i = 1; i < a.count(); i++) {
            if (a.lower(i).equals(w)) {
                return true;
            }
        }
        return false;
    }

    private static String typeOfCategories(CommandSpec spec) {
        List<String> c = spec.aclCategories();
        if (c.contains("@string") || c.contains("@bitmap") || c.contains("@hyperloglog")) {
            return "$";
        }
        if (c.contains("@list")) {
            return "l";
        }
        if (c.contains("@hash")) {
            return "h";
        }
        if (c.contains("@set")) {
            return "s";
        }
        if (c.contains("@sortedset") || c.contains("@geo")) {
            return "z";
        }
        if (c.contains("@stream")) {
            return "t";
        }
        return "g";
    }
}
