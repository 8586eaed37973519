package io.heliosdb.server;

import io.heliosdb.resp.command.CommandTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Generates commands from Redis 7.0's COMMAND DOCS argument grammar (resp3's command table data):
 * every argument drawn from its type (integer, double, string, key, pattern, unix-time, tokens,
 * oneof, block; optional and multiple honoured), with extreme values mixed in, and then mutated the
 * way hostile clients do: arguments dropped, added, repeated, reordered, replaced, tokens re-cased.
 */
final class ArgFuzzGrammar {
    /** A command or subcommand: the words that name it, its argument grammar, its COMMAND INFO flags. */
    record Entry(List<String> words, List<Map<String, Object>> args, Set<String> flags) {
        String name() {
            return String.join(" ", words);
        }
    }

    final List<Entry> entries = new ArrayList<>();
    private final List<String> allTokens = new ArrayList<>();

    static final String[] KEYS = {"str", "int", "neg", "float", "list", "hash", "set", "iset", "zset", "stream", "hll",
            "bits", "geo", "ttl", "empty", "none", "none2"};
    static final String[] INTS = {"0", "1", "-1", "2", "3", "5", "10", "100", "9223372036854775807", "-9223372036854775808",
            "9223372036854775806", "-9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "18446744073709551615", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967296", "1.5", "1e3",
            "0x10", " 1", "1 ", "+1", "-0", "01", "", "abc", "nan", "inf", "-inf"};
    static final String[] DOUBLES = {"0", "1", "-1", "1.5", "-2.5", "2", "nan", "NaN", "-nan", "inf", "-inf", "+inf", "infinity",
            "-Infinity", "1e308", "1e309", "-1e309", "4.9e-324", "1e-400", "0x1p3", "9223372036854775807",
            "-9223372036854775808", "1.7976931348623157e308", "abc", "", "1.0.0", "(1", "(inf", "(-inf", "1e", " 2", "3.0 ",
            "-0", "+0", "0.1", "17", "1,5"};
    static final String[] STRINGS = {"", "a", "b", "c", "f1", "f2", "v", "hello", "1", "-1", "0", "x".repeat(70),
            "\u0000\u00ff", "with space", "*", "\u03a9", "9223372036854775808", "nan", "-inf", "3.5"};
    static final String[] PATTERNS = {"*", "a*", "*o*", "str", "h?sh", "[a-z]*", "[^a]*", "\\*", "s*t", "", "none*"};
    static final String[] STREAM_IDS = {"*", "0", "0-0", "0-1", "1-1", "2-1", "3-1", "1", "5", "1-", "-", "+", "$", ">",
            "18446744073709551615-18446744073709551615", "18446744073709551615", "-1", "abc", "1-abc", "(1-1", "(0-1",
            "1-18446744073709551616", "9223372036854775807-0", "(18446744073709551615-18446744073709551615"};
    static final String[] LEX = {"-", "+", "[a", "(a", "[b", "(c", "a", "[", "(", "", "[\u00ff"};

    ArgFuzzGrammar() {
        load();
    }

    @SuppressWarnings("unchecked")
    private void load() {
        Map<String, Object> docs = (Map<String, Object>) CommandTable.parseJson(resource("redis-7.0-command-docs.json"));
        List<Object> info = (List<Object>) CommandTable.parseJson(resource("redis-7.0-command-info.json"));
        Map<String, Set<String>> flags = new java.util.HashMap<>();
        for (Object row : info) {
            collectFlags((List<Object>) row, flags);
        }
        for (String name : new TreeSet<>(docs.keySet())) {
            Map<String, Object> d = (Map<String, Object>) docs.get(name);
            Map<String, Object> subs = (Map<String, Object>) d.get("subcommands");
            if (subs != null) {
                for (String full : new TreeSet<>(subs.keySet())) {
                    Map<String, Object> sd = (Map<String, Object>) subs.get(full);
                    String sub = full.substring(full.indexOf('|') + 1);
                    add(List.of(name, sub), sd, flags.getOrDefault(full, Set.of()));
                }
                add(List.of(name), Map.of(), flags.getOrDefault(name, Set.of())); // a container alone: arity error
            } else {
                add(List.of(name), d, flags.getOrDefault(name, Set.of()));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void collectFlags(List<Object> row, Map<String, Set<String>> flags) {
        Set<String> f = new TreeSet<>();
        for (Object o : (List<Object>) row.get(2)) {
            f.add((String) o);
        }
        flags.put((String) row.get(0), f);
        if (row.size() > 9) {
            for (Object sub : (List<Object>) row.get(9)) {
                collectFlags((List<Object>) sub, flags);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void add(List<String> words, Map<String, Object> doc, Set<String> flags) {
        List<Map<String, Object>> args = (List<Map<String, Object>>) doc.getOrDefault("arguments", List.of());
        entries.add(new Entry(words, args, flags));
        collectTokens(args);
    }

    @SuppressWarnings("unchecked")
    private void collectTokens(List<Map<String, Object>> args) {
        for (Map<String, Object> a : args) {
            if (a.get("token") instanceof String t) {
                allTokens.add(t);
            }
            if (a.get("arguments") instanceof List<?> l) {
                collectTokens((List<Map<String, Object>>) l);
            }
        }
    }

    private static String resource(String name) {
        try (InputStream in = ArgFuzzGrammar.class.getResourceAsStream("/io/heliosdb/resp/command/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Values a test may replace by its own: a hook to keep shapes that another fix owns out of the run. */
    interface Tamer {
        /** The value to send for argument {@code arg} of {@code entry}, or null to keep {@code value}. */
        String tame(Entry entry, Map<String, Object> arg, String value, Random rnd);
    }

    /** One command: the entry's words, then its arguments, each segment mutated with some probability. */
    List<String> generate(Entry e, Random rnd, Tamer tamer) {
        List<List<String>> segments = new ArrayList<>();
        for (Map<String, Object> a : e.args()) {
            List<String> seg = new ArrayList<>();
            emit(e, a, rnd, seg, tamer);
            segments.add(seg);
        }
        mutateSegments(segments, rnd);
        List<String> out = new ArrayList<>();
        for (String w : e.words()) {
            out.add(rnd.nextInt(20) == 0 ? mixCase(w, rnd) : w.toUpperCase(Locale.ROOT));
        }
        for (List<String> s : segments) {
            out.addAll(s);
        }
        mutateArgs(out, e.words().size(), rnd);
        return out;
    }

    private void mutateSegments(List<List<String>> segments, Random rnd) {
        if (segments.size() > 1 && rnd.nextInt(8) == 0) { // options in odd orders
            int i = 1 + rnd.nextInt(segments.size() - 1);
            int j = 1 + rnd.nextInt(segments.size() - 1);
            Collections.swap(segments, i, j);
        }
        if (!segments.isEmpty() && rnd.nextInt(10) == 0) { // an option repeated
            List<String> s = segments.get(rnd.nextInt(segments.size()));
            if (!s.isEmpty()) {
                segments.add(rnd.nextInt(segments.size() + 1), new ArrayList<>(s));
            }
        }
    }

    private void mutateArgs(List<String> out, int fixed, Random rnd) {
        int r = rnd.nextInt(16);
        if (r == 0 && out.size() > fixed) { // a missing argument
            out.remove(fixed + rnd.nextInt(out.size() - fixed));
        } else if (r == 1) { // an extra argument
            out.add(fixed + rnd.nextInt(out.size() - fixed + 1), anyValue(rnd));
        } else if (r == 2 && out.size() > fixed) { // one argument replaced by an extreme value
            out.set(fixed + rnd.nextInt(out.size() - fixed), anyValue(rnd));
        } else if (r == 3 && out.size() > fixed + 1) { // the tail cut off
            out.subList(fixed + 1 + rnd.nextInt(out.size() - fixed - 1), out.size()).clear();
        }
    }

    private String anyValue(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> pick(INTS, rnd);
            case 1 -> pick(DOUBLES, rnd);
            case 2 -> pick(STRINGS, rnd);
            case 3 -> pick(KEYS, rnd);
            default -> allTokens.get(rnd.nextInt(allTokens.size()));
        };
    }

    @SuppressWarnings("unchecked")
    private void emit(Entry e, Map<String, Object> a, Random rnd, List<String> out, Tamer tamer) {
        List<String> flags = (List<String>) a.getOrDefault("flags", List.of());
        if (flags.contains("optional") && rnd.nextInt(2) == 0) {
            return;
        }
        int times = flags.contains("multiple") ? 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(6) : rnd.nextInt(2)) : 1;
        boolean tokenEach = flags.contains("multiple_token");
        String token = (String) a.get("token");
        String type = (String) a.get("type");
        for (int i = 0; i < times; i++) {
            if (token != null && (i == 0 || tokenEach)) {
                out.add(rnd.nextInt(25) == 0 ? mixCase(token, rnd) : token);
            }
            switch (type) {
                case "pure-token" -> { }
                case "oneof" -> {
                    List<Map<String, Object>> alts = (List<Map<String, Object>>) a.get("arguments");
                    emitRequired(e, alts.get(rnd.nextInt(alts.size())), rnd, out, tamer);
                }
                case "block" -> {
                    for (Map<String, Object> sub : (List<Map<String, Object>>) a.get("arguments")) {
                        emit(e, sub, rnd, out, tamer);
                    }
                }
                default -> {
                    String v = value(e, a, type, rnd);
                    String t = tamer == null ? null : tamer.tame(e, a, v, rnd);
                    out.add(t != null ? t : v);
                }
            }
        }
    }

    /** A oneof alternative is present once chosen, even if its own entry says optional. */
    private void emitRequired(Entry e, Map<String, Object> a, Random rnd, List<String> out, Tamer tamer) {
        Map<String, Object> copy = new java.util.HashMap<>(a);
        @SuppressWarnings("unchecked")
        List<String> flags = new ArrayList<>((List<String>) a.getOrDefault("flags", List.of()));
        flags.remove("optional");
        copy.put("flags", flags);
        emit(e, copy, rnd, out, tamer);
    }

    private String value(Entry e, Map<String, Object> a, String type, Random rnd) {
        String name = ((String) a.get("name")).toLowerCase(Locale.ROOT);
        return switch (type) {
            case "key" -> rnd.nextInt(30) == 0 ? pick(STRINGS, rnd) : pick(KEYS, rnd);
            case "integer" -> rnd.nextInt(3) == 0 ? pick(INTS, rnd) : Integer.toString(rnd.nextInt(12) - 3);
            case "double" -> rnd.nextInt(3) == 0 ? pick(DOUBLES, rnd) : Double.toString((rnd.nextInt(80) - 20) / 4.0);
            case "pattern" -> pick(PATTERNS, rnd);
            case "unix-time" -> unixTime(rnd);
            default -> stringValue(e, name, rnd);
        };
    }

    private static String unixTime(Random rnd) {
        long now = System.currentTimeMillis() / 1000;
        return switch (rnd.nextInt(6)) {
            case 0 -> Long.toString(now + 100_000);
            case 1 -> Long.toString(now - 100);
            case 2 -> Long.toString((now + 100_000) * 1000);
            default -> pick(INTS, rnd);
        };
    }

    private String stringValue(Entry e, String name, Random rnd) {
        if (rnd.nextInt(200) == 0) { // huge
            return "h".repeat(1 << (10 + rnd.nextInt(10)));
        }
        if (rnd.nextInt(6) == 0) {
            return rnd.nextBoolean() ? pick(STRINGS, rnd) : anyValue(rnd);
        }
        String cmd = e.words().get(0);
        if (cmd.startsWith("x") && Set.of("id", "start", "end", "threshold", "last-id", "max_deleted_entry_id").contains(name)) {
            return pick(STREAM_IDS, rnd);
        }
        if (name.equals("min-idle-time")) {
            return rnd.nextBoolean() ? "0" : pick(INTS, rnd);
        }
        if (name.equals("group") || name.equals("groupname")) {
            return rnd.nextInt(3) == 0 ? "nog" : "g";
        }
        if (name.equals("consumer") || name.equals("consumername")) {
            return rnd.nextBoolean() ? "c1" : "c2";
        }
        if (cmd.contains("lex") && (name.equals("min") || name.equals("max") || name.equals("start") || name.equals("stop"))) {
            return pick(LEX, rnd);
        }
        if (name.equals("field")) {
            return pick(new String[]{"f1", "f2", "f3", "nof", ""}, rnd);
        }
        if (name.equals("member") || name.equals("element") || name.equals("pivot")) {
            return pick(new String[]{"a", "b", "c", "1", "2", "3", "z", "Palermo", "Catania", ""}, rnd);
        }
        return pick(STRINGS, rnd);
    }

    static String pick(String[] from, Random rnd) {
        return from[rnd.nextInt(from.length)];
    }

    private static String mixCase(String s, Random rnd) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            b.append(rnd.nextBoolean() ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return b.toString();
    }
}
