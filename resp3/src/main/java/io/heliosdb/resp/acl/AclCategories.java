package io.heliosdb.resp.acl;

import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The ACL categories, taken from the command table's rows (the same data that dispatches). */
final class AclCategories {
    private AclCategories() {}

    static TreeSet<String> all(CommandTable table) {
        TreeSet<String> cats = new TreeSet<>();
        for (CommandSpec s : table.allRows()) {
            for (String c : s.aclCategories()) {
                cats.add(c.substring(1));
            }
        }
        return cats;
    }

    /** Redis' own order of the categories (ACL CAT), then any others the table has. */
    private static final List<String> REDIS_ORDER = List.of("keyspace", "read", "write", "set",
            "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
            "blocking", "dangerous", "connection", "transaction", "scripting");

    static List<String> ordered(CommandTable table) {
        List<String> l = new ArrayList<>();
        TreeSet<String> present = all(table);
        for (String c : REDIS_ORDER) {
            if (present.remove(c)) {
                l.add(c);
            }
        }
        l.addAll(present);
        return l;
    }

    static boolean exists(CommandTable table, String cat) {
        return all(table).contains(cat);
    }
}
