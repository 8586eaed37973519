package io.heliosdb.resp.acl;

import io.heliosdb.memory.GlobMatcher;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.KeyExtraction;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * One set of permissions of a user, as Redis 7 has them: the commands (a bit per row of the command
 * table, subcommands included), the key patterns and the channel patterns. A user has its root
 * selector and any number of "(...)" selectors; a command is allowed when one selector allows the
 * command, its keys and its channels together.
 */
final class AclSelector {
    /** Why a selector refuses a call, in Redis' order of relevance (a later reason wins). */
    static final int OK = 0;
    static final int DENIED_COMMAND = 1;
    static final int DENIED_KEY = 2;
    static final int DENIED_CHANNEL = 4;

    /** +@all's "future commands" bit: set only by +@all, cleared only by -@all (Redis' reserved bit). */
    boolean allCommands;
    final BitSet commands = new BitSet();
    boolean allKeys;
    /**
     * Key patterns in the order first given, each with its permissions ({@link #READ} | {@link #WRITE});
     * a pattern given again keeps its place and gains the new permissions, as in Redis' ACLSetSelector.
     */
    final LinkedHashMap<String, Integer> keyPatterns = new LinkedHashMap<>();
    boolean allChannels;
    /** Channel patterns in the order first given, each once. */
    final LinkedHashSet<String> channelPatterns = new LinkedHashSet<>();

    static final int READ = 1;
    static final int WRITE = 2;

    AclSelector(boolean allChannelsByDefault) {
        this.allChannels = allChannelsByDefault;
    }

    AclSelector copy() {
        AclSelector s = new AclSelector(allChannels);
        s.allCommands = allCommands;
        s.commands.or(commands);
        s.allKeys = allKeys;
        s.keyPatterns.putAll(keyPatterns);
        s.channelPatterns.addAll(channelPatterns);
        return s;
    }

    // ---- checks ------------------------------------------------------------------------------

    /**
     * {@link #OK}, or the reason times 2^32 plus the argument index it concerns (0 for the command),
     * so that the most relevant refusal of several selectors is the largest value, as Redis picks it.
     */
    long check(CommandSpec spec, Args a) {
        if (!spec.allowsNoAuth() && !commands.get(spec.id())) {
            return (long) DENIED_COMMAND << 32;
        }
        // SPUBLISH's and SSUBSCRIBE's "not_key" key specs are no keys: their channels are checked below
        long keys = allKeys || !KeyExtraction.hasKeys(spec) ? OK : checkKeys(spec, a);
        if (keys != OK) {
            return keys;
        }
        if (!allChannels) {
            int[] range = channelArgs(spec, a);
            for (int i = range[0]; i > 0 && i <= range[1]; i++) {
                if (!mayAccessChannel(a.bytes(i), range[2] == 1)) {
                    return ((long) DENIED_CHANNEL << 32) | i;
                }
            }
        }
        return OK;
    }

    /** Whether some key pattern allows only reading or only writing (then key specs decide). */
    private boolean partialPatterns() {
        for (int f : keyPatterns.values()) {
            if (f != (READ | WRITE)) {
                return true;
            }
        }
        return false;
    }

    private long checkKeys(CommandSpec spec, Args a) {
        if (partialPatterns() || spec.flags().contains("movablekeys") || !spec.arityOk(a.count())) {
            // every key the specs find (SORT's STORE, ZUNIONSTORE's sources...), each needing what its spec
            // says (%R~ / %W~ patterns), as Redis' ACLSelectorCheckKey; allocates, so only when needed.
            // redis.acl_check_cmd asks without an arity check: where SET's own rule names a missing
            // argument, Redis reads past its arguments (what an earlier call left); here it is refused
            for (KeyExtraction.Key k : KeyExtraction.keys(spec, a, 0)) {
                if (k.pos() >= a.count() || !mayAccessKey(a.bytes(k.pos()), k.flags().contains("access"),
                        k.flags().contains("insert") || k.flags().contains("delete") || k.flags().contains("update"))) {
                    return ((long) DENIED_KEY << 32) | k.pos();
                }
            }
            return OK;
        }
        int first = spec.firstKeyOf(a);
        if (first > 0 && a.count() > first) {
            int last = spec.lastKeyOf(a);
            for (int i = first; i <= last; i += spec.keyStepOf()) {
                if (!mayAccessKey(a.bytes(i), false, false)) { // fixed positions; every pattern reads and writes
                    return ((long) DENIED_KEY << 32) | i;
                }
            }
        }
        return OK;
    }

    /** {first, last, isPattern} of the channel arguments of a Pub/Sub command ({0, 0, 0}: none). */
    static int[] channelArgs(CommandSpec spec, Args a) {
        return switch (spec.name()) {
            case "publish", "spublish" -> new int[]{1, 1, 0};
            case "subscribe", "ssubscribe" -> new int[]{1, a.count() - 1, 0};
            case "psubscribe" -> new int[]{1, a.count() - 1, 1};
            default -> new int[]{0, 0, 0};
        };
    }

    boolean mayAccessKey(byte[] key, boolean read, boolean write) {
        if (allKeys) {
            return true;
        }
        int needed = (read ? READ : 0) | (write ? WRITE : 0);
        for (var p : keyPatterns.entrySet()) {
            if ((p.getValue() & needed) == needed && GlobMatcher.matches(p.getKey().getBytes(StandardCharsets.ISO_8859_1),
                    MemorySegment.ofArray(key), 0, key.length, false)) {
                return true;
            }
        }
        return false;
    }

    boolean mayAccessChannel(byte[] channel, boolean isPattern) {
        if (allChannels) {
            return true;
        }
        String c = new String(channel, StandardCharsets.ISO_8859_1); // patterns are held one char per byte
        for (String p : channelPatterns) {
            if (isPattern ? p.equals(c) : GlobMatcher.matches(p, c, false)) {
                return true;
            }
        }
        return false;
    }

    // ---- rules -------------------------------------------------------------------------------

    /** Applies one selector rule; null, or why it is refused (Redis' words). */
    String apply(String rule, CommandTable table) {
        String r = rule.toLowerCase(Locale.ROOT);
        switch (r) {
            case "allkeys", "~*" -> {
                allKeys = true;
                keyPatterns.clear();
            }
            case "resetkeys" -> {
                allKeys = false;
                keyPatterns.clear();
            }
            case "allchannels", "&*" -> {
                allChannels = true;
                channelPatterns.clear();
            }
            case "resetchannels" -> {
                allChannels = false;
                channelPatterns.clear();
            }
            case "allcommands", "+@all" -> {
                allCommands = true;
                commands.set(0, table.allRows().size());
            }
            case "nocommands", "-@all" -> {
                allCommands = false;
                commands.clear();
            }
            default -> {
                if (rule.startsWith("~") || rule.startsWith("%")) {
                    if (allKeys) {
                        return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect."
                                + " Try 'resetkeys' to start with an empty list of patterns";
                    }
                    return addKeyPattern(rule);
                } else if (rule.startsWith("&")) {
                    if (allChannels) {
                        return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect."
                                + " Try 'resetchannels' to start with an empty list of channels";
                    }
                    if (hasSpaces(rule.substring(1))) {
                        return "Syntax error";
                    }
                    channelPatterns.add(rule.substring(1));
                } else if (rule.startsWith("+") || rule.startsWith("-")) {
                    return setCommands(rule.charAt(0) == '+', r.substring(1), table);
                } else {
                    return "Syntax error";
                }
            }
        }
        return null;
    }

    /**
     * "~p" (read and write) or "%R~p", "%W~p", "%RW~p" (each letter once, any case; "%R" alone is the
     * empty pattern), parsed as Redis' ACLSetSelector does; null, or "Syntax error".
     */
    private String addKeyPattern(String rule) {
        int flags = 0;
        int at = 1;
        if (rule.charAt(0) == '%') {
            for (; at < rule.length(); at++) {
                char c = Character.toUpperCase(rule.charAt(at));
                if (c == 'R' && (flags & READ) == 0) {
                    flags |= READ;
                } else if (c == 'W' && (flags & WRITE) == 0) {
                    flags |= WRITE;
                } else if (rule.charAt(at) == '~') {
                    at++;
                    break;
                } else {
                    return "Syntax error";
                }
            }
        } else {
            flags = READ | WRITE;
        }
        String pattern = rule.substring(at);
        if (flags == 0 || hasSpaces(pattern)) {
            return "Syntax error";
        }
        keyPatterns.merge(pattern, flags, (a, b) -> a | b);
        return null;
    }

    /** Redis' ACLStringHasSpaces: patterns may hold no whitespace (C isspace) and no NUL. */
    static boolean hasSpaces(String s) {
        return s.chars().anyMatch(c -> c == 0 || c == ' ' || (c >= '\t' && c <= '\r'));
    }

    private String setCommands(boolean allow, String what, CommandTable table) {
        if (what.startsWith("@")) {
            String cat = what.substring(1);
            if (!AclCategories.exists(table, cat)) {
                return "Unknown command or category name in ACL";
            }
            setCategory(commands, table, cat, allow);
            return null;
        }
        int bar = what.lastIndexOf('|');
        if (allow && bar >= 0) {
            // Redis' checks of "+name|last": the part before the last bar must be a command, not a subcommand
            CommandSpec base = table.find(what.substring(0, bar));
            if (base == null) {
                return "Unknown command or category name in ACL";
            }
            if (base.container() != null) {
                return "Allowing first-arg of a subcommand is not supported";
            }
            if (bar == what.length() - 1) {
                return "Syntax error";
            }
        }
        CommandSpec s = table.find(what);
        if (s == null) {
            return "Unknown command or category name in ACL";
        }
        change(commands, s, allow);
        return null;
    }

    /** A command and, for a container, all of its subcommands (Redis' ACLChangeSelectorPerm). */
    private static void change(BitSet bits, CommandSpec s, boolean allow) {
        bits.set(s.id(), allow);
        for (CommandSpec sub : s.subcommands().values()) {
            bits.set(sub.id(), allow);
        }
    }

    private static void setCategory(BitSet bits, CommandTable table, String cat, boolean allow) {
        String tag = "@" + cat;
        for (CommandSpec s : table.liveRows()) {
            if (s.aclCategories().contains(tag)) {
                change(bits, s, allow);
            }
        }
    }

    // ---- description (ACL LIST, GETUSER, the aclfile) -----------------------------------------

    /** "keys channels commands", as Redis' ACLDescribeSelector. */
    String describe(CommandTable table) {
        StringBuilder b = new StringBuilder();
        if (allKeys) {
            b.append("~* ");
        } else {
            keyPatterns.forEach((p, f) -> b.append(describeKeyPattern(p, f)).append(' '));
        }
        if (allChannels) {
            b.append("&* ");
        } else {
            b.append("resetchannels ");
            channelPatterns.forEach(c -> b.append('&').append(c).append(' '));
        }
        return b.append(describeCommands(table)).toString();
    }

    String keysDescription() {
        if (allKeys) {
            return "~*";
        }
        List<String> l = new ArrayList<>();
        keyPatterns.forEach((p, f) -> l.add(describeKeyPattern(p, f)));
        return String.join(" ", l);
    }

    /** As Redis' sdsCatPatternString: read and write is plain "~". */
    private static String describeKeyPattern(String pattern, int flags) {
        return (flags == (READ | WRITE) ? "~" : flags == READ ? "%R~" : "%W~") + pattern;
    }

    String channelsDescription() {
        if (allChannels) {
            return "&*";
        }
        List<String> l = new ArrayList<>();
        channelPatterns.forEach(c -> l.add("&" + c));
        return String.join(" ", l);
    }

    /**
     * The command rules that rebuild this selector's bits, found as Redis 7.0 finds them
     * (ACLDescribeSelectorCommandRules): +@all or -@all, then, greedily, the category with the fewest
     * differences (most in common on ties) among those with more in common than different, then
     * single commands for what still differs (here in table order; Redis walks a hash table).
     */
    String describeCommands(CommandTable table) {
        boolean additive = !allCommands;
        StringBuilder rules = new StringBuilder(additive ? "-@all" : "+@all");
        int rows = table.allRows().size();
        BitSet fake = new BitSet();
        if (!additive) {
            fake.set(0, rows);
        }
        BitSet temp = (BitSet) commands.clone();
        List<String> cats = AclCategories.ordered(table);
        boolean[] applied = new boolean[cats.size()];
        // the categories are weighed over Redis 7.0's rows only, so that the same ones are chosen as Redis does
        List<CommandSpec> weighed = table.liveRows().stream().filter(table::inRedis70).toList();
        while (true) {
            int best = -1;
            long minDiff = Integer.MAX_VALUE;
            long maxSame = 0;
            for (int j = 0; j < cats.size(); j++) {
                if (applied[j]) {
                    continue;
                }
                long on = 0;
                long off = 0;
                String tag = "@" + cats.get(j);
                for (CommandSpec s : weighed) {
                    if (s.aclCategories().contains(tag)) {
                        if (temp.get(s.id())) {
                            on++;
                        } else {
                            off++;
                        }
                    }
                }
                long diff = additive ? off : on;
                long same = additive ? on : off;
                if (same > diff && (diff < minDiff || (diff == minDiff && same > maxSame))) {
                    best = j;
                    minDiff = diff;
                    maxSame = same;
                }
            }
            if (best < 0) {
                break;
            }
            setCategory(fake, table, cats.get(best), additive);
            setCategory(temp, table, cats.get(best), !additive);
            rules.append(additive ? " +@" : " -@").append(cats.get(best));
            applied[best] = true;
        }
        BitSet unwritten = new BitSet();
        for (CommandSpec s : table.liveRows()) {
            if (s.container() != null && !table.inRedis70(s)) {
                unwritten.set(s.id()); // a newer Redis' subcommand (CLIENT SETINFO): not in Redis 7.0's text
            } else {
                single(s, fake, rules); // a container before its subcommands, as Redis walks them
            }
        }
        assert rebuilt(fake, unwritten) : "ACL rules " + rules + " do not rebuild the selector's commands";
        return rules.toString();
    }

    private boolean rebuilt(BitSet fake, BitSet unwritten) {
        BitSet mine = (BitSet) commands.clone();
        mine.andNot(unwritten);
        BitSet rules = (BitSet) fake.clone();
        rules.andNot(unwritten);
        return rules.equals(mine);
    }

    private void single(CommandSpec s, BitSet fake, StringBuilder rules) {
        boolean mine = commands.get(s.id());
        if (mine != fake.get(s.id())) {
            rules.append(mine ? " +" : " -").append(s.name());
            change(fake, s, mine);
        }
    }
}
