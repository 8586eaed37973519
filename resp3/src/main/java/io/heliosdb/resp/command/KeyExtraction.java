package io.heliosdb.resp.command;

import io.heliosdb.resp.codec.Args;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The keys of a call as COMMAND GETKEYS / GETKEYSANDFLAGS report them, the way Redis 7.0's db.c
 * finds them: the command's key specs (index or keyword, then range or keynum) when they are
 * complete and their flags fixed, else the command's own rule (SORT's STORE, MIGRATE's KEYS, SET's
 * GET, BITFIELD's subcommands, and the numkeys commands whose count the specs could not read).
 * Positions count from the command name (0). Cold path: COMMAND only.
 */
public final class KeyExtraction {
    private KeyExtraction() {}

    /** One key argument and its key-spec flags ("RW", "access", ...), in Redis' order. */
    public record Key(int pos, List<String> flags) {}

    private static final List<String> RO_ACCESS = List.of("RO", "access");
    private static final List<String> RW_ACCESS_UPDATE = List.of("RW", "access", "update");
    private static final List<String> OW_UPDATE = List.of("OW", "update");
    private static final List<String> RW_ACCESS_DELETE = List.of("RW", "access", "delete");

    /** Whether the command names keys at all (Redis' doesCommandHaveKeys): a spec that is not "not_key", or its own rule. */
    public static boolean hasKeys(CommandSpec s) {
        if (s.flags().contains("movablekeys")) {
            return true;
        }
        for (Object o : s.keySpecs()) {
            if (!flagsOf(o).contains("not_key")) {
                return true;
            }
        }
        return false;
    }

    /** The call's keys; {@code first} is the index of the command name in {@code a} (2 under COMMAND GETKEYS). */
    public static List<Key> keys(CommandSpec s, Args a, int first) {
        String[] argv = new String[a.count() - first];
        for (int i = 0; i < argv.length; i++) {
            argv[i] = new String(a.bytes(first + i), StandardCharsets.ISO_8859_1);
        }
        return keys(s, argv);
    }

    static List<Key> keys(CommandSpec s, String[] argv) {
        boolean variableFlags = false, anyKey = false;
        for (Object o : s.keySpecs()) {
            variableFlags |= flagsOf(o).contains("variable_flags");
            anyKey |= !flagsOf(o).contains("not_key");
        }
        if (anyKey && !variableFlags) {
            List<Key> fromSpecs = fromSpecs(s, argv);
            if (fromSpecs != null) {
                return fromSpecs;
            }
        }
        return ownRule(s, argv);
    }

    @SuppressWarnings("unchecked")
    private static List<String> flagsOf(Object spec) {
        Object f = ((Map<String, Object>) spec).get("flags");
        return f == null ? List.of() : (List<String>) (List<?>) f;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> part(Object spec, String name) {
        return (Map<String, Object>) ((Map<String, Object>) spec).get(name);
    }

    @SuppressWarnings("unchecked")
    private static int num(Map<String, Object> part, String field) {
        return ((Number) ((Map<String, Object>) part.get("spec")).get(field)).intValue();
    }

    @SuppressWarnings("unchecked")
    private static String str(Map<String, Object> part, String field) {
        return (String) ((Map<String, Object>) part.get("spec")).get(field);
    }

    /** Redis' getKeysUsingKeySpecs; null where a spec cannot be followed (unknown, incomplete, bad numkeys). */
    private static List<Key> fromSpecs(CommandSpec s, String[] argv) {
        int argc = argv.length;
        List<Key> keys = new ArrayList<>();
        for (Object spec : s.keySpecs()) {
            List<String> flags = flagsOf(spec);
            if (flags.contains("not_key")) {
                continue;
            }
            Map<String, Object> bs = part(spec, "begin_search"), fk = part(spec, "find_keys");
            int first = 0;
            switch ((String) bs.get("type")) {
                case "index" -> first = num(bs, "index");
                case "keyword" -> {
                    int from = num(bs, "startfrom");
                    String word = str(bs, "keyword");
                    int start = from > 0 ? from : argc + from;
                    int end = from > 0 ? argc - 1 : 1;
                    for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
                        if (i >= argc || i < 1) {
                            break;
                        }
                        if (argv[i].equalsIgnoreCase(word)) {
                            first = i + 1;
                            break;
                        }
                    }
                    if (first == 0) {
                        continue; // keyword absent: this spec names no keys
                    }
                }
                default -> {
                    return null;
                }
            }
            int last, step;
            switch ((String) fk.get("type")) {
                case "range" -> {
                    step = num(fk, "keystep");
                    int lastkey = num(fk, "lastkey"), limit = num(fk, "limit");
                    last = lastkey >= 0 ? first + lastkey : limit == 0 ? argc + lastkey : first + ((argc - first) / limit + lastkey);
                }
                case "keynum" -> {
                    step = num(fk, "keystep");
                    int idx = num(fk, "keynumidx");
                    if (idx >= argc || first + idx >= argc) {
                        return null;
                    }
                    Long n = strictLong(argv[first + idx]);
                    if (n == null || n < 0) {
                        return null;
                    }
                    first += num(fk, "firstkey");
                    last = (int) Math.min(Integer.MAX_VALUE, first + n - 1);
                }
                default -> {
                    return null;
                }
            }
            if (last >= argc || last < first || first >= argc) {
                return null;
            }
            for (int i = first; i <= last; i += step) {
                keys.add(new Key(i, flags));
            }
            if (flags.contains("incomplete")) {
                return null;
            }
        }
        return keys;
    }

    private static Long strictLong(String v) {
        if (v.isEmpty() || v.length() > 20 || (v.length() > 1 && (v.charAt(0) == '0' || v.startsWith("-0"))) || v.startsWith("+")) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** C's atoi: leading blanks and sign, then digits up to the first other character. */
    private static long atoi(String v) {
        int i = 0;
        while (i < v.length() && Character.isWhitespace(v.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < v.length() && (v.charAt(i) == '-' || v.charAt(i) == '+')) {
            neg = v.charAt(i++) == '-';
        }
        long n = 0;
        while (i < v.length() && Character.isDigit(v.charAt(i)) && n < Integer.MAX_VALUE) {
            n = n * 10 + (v.charAt(i++) - '0');
        }
        return neg ? -n : n;
    }

    /** The commands' own getkeys procedures (db.c), used where the specs cannot answer. */
    private static List<Key> ownRule(CommandSpec s, String[] argv) {
        String name = s.name();
        return switch (name) {
            case "set" -> List.of(new Key(1, setHasGet(argv) ? RW_ACCESS_UPDATE : OW_UPDATE));
            case "bitfield" -> List.of(new Key(1, bitfieldReadOnly(argv) ? RO_ACCESS : RW_ACCESS_UPDATE));
            case "sort" -> sort(argv);
            case "sort_ro" -> List.of(new Key(1, RO_ACCESS));
            case "migrate" -> migrate(argv);
            case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "blmpop", "bzmpop" -> counted(argv, 0, 2, 3);
            case "zunionstore", "zinterstore", "zdiffstore" -> counted(argv, 1, 2, 3);
            case "zunion", "zinter", "zdiff", "zintercard", "sintercard", "lmpop", "zmpop" -> counted(argv, 0, 1, 2);
            default -> List.of();
        };
    }

    /** Redis' genericGetKeys: a count read with atoi, keys after it, the stored-to key last; no flags. */
    private static List<Key> counted(String[] argv, int storeAt, int countAt, int firstAt) {
        if (countAt >= argv.length) {
            return List.of();
        }
        long n = atoi(argv[countAt]);
        if (n < 1 || n > argv.length - firstAt) {
            return List.of();
        }
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(new Key(firstAt + i, List.of()));
        }
        if (storeAt > 0) {
            keys.add(new Key(storeAt, List.of()));
        }
        return keys;
    }

    private static boolean setHasGet(String[] argv) {
        for (int i = 3; i < argv.length; i++) {
            if (argv[i].equalsIgnoreCase("get")) {
                return true;
            }
        }
        return false;
    }

    private static boolean bitfieldReadOnly(String[] argv) {
        for (int i = 2; i < argv.length; i++) {
            int rest = argv.length - i - 1;
            String arg = argv[i].toLowerCase(Locale.ROOT);
            if (arg.equals("get") && rest >= 2) {
                i += 2;
            } else if (arg.equals("overflow") && rest >= 1) {
                i += 1;
            } else {
                return false; // SET, INCRBY, or a syntax error: assume it writes
            }
        }
        return true;
    }

    /** The sorted key, and the last STORE's destination (options skip their arguments as SORT parses them). */
    private static List<Key> sort(String[] argv) {
        List<Key> keys = new ArrayList<>();
        keys.add(new Key(1, RO_ACCESS));
        Key store = null;
        for (int i = 2; i < argv.length; i++) {
            String arg = argv[i].toLowerCase(Locale.ROOT);
            switch (arg) {
                case "limit" -> i += 2;
                case "get", "by" -> i += 1;
                case "store" -> {
                    if (i + 1 < argv.length) {
                        store = new Key(i + 1, OW_UPDATE);
                    }
                }
                default -> { }
            }
        }
        if (store != null) {
            keys.add(store);
        }
        return keys;
    }

    /** The key argument, or with KEYS (and an empty key argument) every argument after it. */
    private static List<Key> migrate(String[] argv) {
        int first = 3, n = 1;
        for (int i = 6; i < argv.length; i++) {
            String arg = argv[i].toLowerCase(Locale.ROOT);
            if (arg.equals("keys")) {
                if (!argv[3].isEmpty()) {
                    return List.of();
                }
                first = i + 1;
                n = argv.length - first;
                break;
            }
            switch (arg) {
                case "auth" -> i += 1;
                case "auth2" -> i += 2;
                default -> { }
            }
        }
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(new Key(first + i, RW_ACCESS_DELETE));
        }
        return keys;
    }
}
