package io.heliosdb.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One argument-fuzzing session against HeliosDB and redis-server side by side: before every command
 * both get the same fresh keys of every type, then the same generated command; the replies are
 * compared (same class, same error text, same value after normalising what Redis leaves unordered),
 * a second connection checks that the server still answers PING and DBSIZE within a second, and the
 * shards' internal-error count must not move. Divergences are collected per class, with a replayable
 * example each.
 */
final class ArgFuzzRun {
    /** The keys every command starts from; the same on both servers. */
    static final List<List<String>> SETUP = List.of(
            List.of("SET", "str", "hello world"),
            List.of("SET", "int", "42"),
            List.of("SET", "neg", "-7"),
            List.of("SET", "float", "3.5"),
            List.of("RPUSH", "list", "a", "b", "c", "1", "2", "3"),
            List.of("HSET", "hash", "f1", "v1", "f2", "2", "f3", "3.5"),
            List.of("SADD", "set", "a", "b", "c"),
            List.of("SADD", "iset", "1", "2", "3"),
            List.of("ZADD", "zset", "1", "a", "2", "b", "3", "c"),
            List.of("XADD", "stream", "1-1", "f", "v"),
            List.of("XADD", "stream", "2-1", "f", "w", "g", "x"),
            List.of("XGROUP", "CREATE", "stream", "g", "0"),
            List.of("XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "stream", ">"),
            List.of("PFADD", "hll", "a", "b", "c"),
            List.of("SETBIT", "bits", "7", "1"),
            List.of("GEOADD", "geo", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"),
            List.of("SET", "ttl", "v", "PX", "100000000"),
            List.of("SET", "empty", ""));

    /** A class of divergence: the first example and how often it was seen. */
    static final class Divergence {
        final String cls;
        final String command;
        final String redis;
        final String helios;
        final String where;
        int count = 1;

        Divergence(String cls, String command, String redis, String helios, String where) {
            this.cls = cls;
            this.command = command;
            this.redis = redis;
            this.helios = helios;
            this.where = where;
        }
    }

    private final TestServer helios;
    private final int redisPort;
    private final ArgFuzzGrammar grammar = new ArgFuzzGrammar();
    private final List<ArgFuzzGrammar.Entry> entries = new ArrayList<>();
    final Map<String, Divergence> divergences = new LinkedHashMap<>();
    /** Divergences of ArgFuzzPolicy.KNOWN entries: reported, not failing. */
    final Map<String, Divergence> known = new LinkedHashMap<>();
    long sent;
    long hangs;
    long internalErrors;
    long redisFailures;
    private FuzzConn r;
    private FuzzConn h;
    private FuzzConn rProbe;
    private FuzzConn hProbe;
    private List<List<String>> pendingCleanup = new ArrayList<>();
    private final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();

    ArgFuzzRun(TestServer helios, int redisPort) {
        this.helios = helios;
        this.redisPort = redisPort;
        String only = System.getProperty("fuzz.only", ""); // "acl,auth": only the entries starting so (a focused run)
        for (ArgFuzzGrammar.Entry e : grammar.entries) {
            if (!ArgFuzzPolicy.skipped(e.name())
                    && (only.isEmpty() || java.util.Arrays.stream(only.split(",")).anyMatch(e.name()::startsWith))) {
                entries.add(e);
            }
        }
    }

    int entryCount() {
        return entries.size();
    }

    /** Runs {@code steps} commands (or until {@code deadline}, System.nanoTime) from {@code seed}. */
    void run(int protocol, long seed, long steps, long deadline) throws IOException {
        try {
            runSteps(protocol, seed, steps, deadline);
        } catch (IOException serverGone) {
            // a server that no longer serves new connections ends this run; the summary says after what
            hangs++;
            record("run aborted: no answer on a new connection", String.join("\n    > ", recent), "", serverGone.toString(),
                    "RESP" + protocol + " seed " + seed);
        }
    }

    private void runSteps(int protocol, long seed, long steps, long deadline) throws IOException {
        Random rnd = new Random(seed * 1_000_003L + protocol);
        connect();
        try {
            List<List<String>> flush = List.of(List.of("FLUSHALL"), List.of("SCRIPT", "FLUSH"), List.of("FUNCTION", "FLUSH"));
            pipelineBoth(flush);
            for (long step = 0; step < steps && System.nanoTime() < deadline; step++) {
                ArgFuzzGrammar.Entry e = entries.get(rnd.nextInt(entries.size()));
                List<String> cmd = grammar.generate(e, rnd, ArgFuzzPolicy::tame);
                if (e.flags().contains("blocking") || e.name().equals("wait")) { // WAIT has no blocking flag in 7.0's table
                    ArgFuzzPolicy.tameBlocking(e.name(), cmd, rnd);
                }
                ArgFuzzPolicy.tameRandomCount(e.name(), cmd);
                ArgFuzzPolicy.tameHugeOffsets(e.name(), cmd);
                step(e, cmd, protocol, "RESP" + protocol + " seed " + seed + " step " + step);
            }
        } finally {
            disconnect();
        }
        afterDisconnect("RESP" + protocol + " seed " + seed + " end");
    }

    /** Once the fuzzing connections are gone, a new connection must still be served (nothing left held). */
    private void afterDisconnect(String where) throws IOException {
        try (FuzzConn c = new FuzzConn(helios.port(), 2000)) {
            c.pipeline(encode(List.of(List.of("PING"), List.of("DBSIZE"), List.of("FLUSHALL"))));
        } catch (IOException stalled) {
            hangs++;
            record("not live after the fuzzing connections closed", String.join("\n    > ", recent), "PING, DBSIZE, FLUSHALL",
                    stalled.toString(), where);
        }
    }

    /** Replays recorded commands (a regression file), each after the same reset as in a fuzz run. */
    void replay(int protocol, List<List<String>> commands, String file) throws IOException {
        connect();
        try {
            pipelineBoth(List.of(List.of("FLUSHALL")));
            for (int i = 0; i < commands.size(); i++) {
                List<String> cmd = commands.get(i);
                step(entryFor(cmd), cmd, protocol, file + " command " + (i + 1) + " RESP" + protocol);
            }
        } finally {
            disconnect();
        }
    }

    /** The grammar entry a command belongs to: its subcommand's if it has one. */
    ArgFuzzGrammar.Entry entryFor(List<String> cmd) {
        String first = cmd.get(0).toLowerCase(Locale.ROOT);
        String two = cmd.size() > 1 ? first + " " + cmd.get(1).toLowerCase(Locale.ROOT) : null;
        ArgFuzzGrammar.Entry single = null;
        for (ArgFuzzGrammar.Entry e : grammar.entries) {
            if (e.name().equals(two)) {
                return e;
            }
            if (e.name().equals(first)) {
                single = e;
            }
        }
        return single != null ? single : new ArgFuzzGrammar.Entry(List.of(first), List.of(), java.util.Set.of());
    }

    private void connect() throws IOException {
        r = new FuzzConn(redisPort, 5000);
        h = new FuzzConn(helios.port(), 5000);
        rProbe = new FuzzConn(redisPort, 10_000);
        hProbe = new FuzzConn(helios.port(), 10_000);
        List<List<byte[]>> warm = encode(List.of(List.of("PING"), List.of("DBSIZE"), List.of("KEYS", "*")));
        rProbe.pipeline(warm); // the first cross-shard calls of a fresh JVM may be slow: not what the 1 s is about
        hProbe.pipeline(warm);
        rProbe.timeout(1000);
        hProbe.timeout(1000);
    }

    private void disconnect() {
        for (FuzzConn c : new FuzzConn[]{r, h, rProbe, hProbe}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private void pipelineBoth(List<List<String>> cmds) throws IOException {
        List<List<byte[]>> b = encode(cmds);
        r.pipeline(b);
        h.pipeline(b);
    }

    /** RESET, the protocol, the cleanup a previous command needs, the keys, then the command; replies compared. */
    private void step(ArgFuzzGrammar.Entry e, List<String> cmd, int protocol, String where) throws IOException {
        List<List<String>> prelude = prelude(protocol);
        pendingCleanup = cleanupAfter(e);
        List<List<byte[]>> batch = encode(prelude);
        batch.add(bytes(cmd));
        recent.addLast(show(cmd));
        if (recent.size() > 8) {
            recent.removeFirst();
        }
        long errorsBefore = helios.server.context().shards().internalErrors();
        sent++;
        FuzzConn.Reply expected;
        FuzzConn.Reply actual;
        try {
            List<FuzzConn.Reply> rr = r.pipeline(batch);
            expected = rr.get(rr.size() - 1);
            if (!"RESET".equals(rr.get(0).text())) {
                // out of step with this connection (a reply we did not expect): not a comparison, start afresh
                add(known, "redis-server connection out of step", String.join("\n    > ", recent), rr.get(0).render(), "", where);
                reconnect();
                return;
            }
            checkPrelude(prelude, rr, "redis", where);
        } catch (RuntimeException | IOException timeout) {
            // Redis itself stalled or died: nothing to compare. Noted (with what led to it), not a HeliosDB failure.
            redisFailures++;
            add(known, "redis-server stalled or died", String.join("\n    > ", recent), timeout.toString(), "", where);
            reconnect();
            return;
        }
        try {
            List<FuzzConn.Reply> hr = h.pipeline(batch);
            actual = hr.get(hr.size() - 1);
            checkPrelude(prelude, hr, "heliosdb", where);
        } catch (IOException | RuntimeException failure) {
            hangs++;
            record("hang or broken reply: " + e.name(), show(cmd), expected.render(), failure.toString(), where);
            reconnect();
            return;
        }
        long errorsAfter = helios.server.context().shards().internalErrors();
        if (errorsAfter != errorsBefore) {
            internalErrors++;
            record("shard internal error: " + e.name(), show(cmd), expected.render(), actual.render(), where);
        }
        String hText = actual.render();
        if (looksInternal(hText) && !looksInternal(expected.render())) {
            internalErrors++;
            record("internal error text: " + e.name(), show(cmd), expected.render(), hText, where);
        }
        String want = normalize(e.name(), cmd, expected);
        String got = normalize(e.name(), cmd, actual);
        if (!want.equals(got)) {
            String cls = e.name() + " | " + shape(expected) + " vs " + shape(actual);
            if (ArgFuzzPolicy.KNOWN.containsKey(e.name())) {
                record(known, cls, show(cmd), want, got, where);
            } else {
                record(cls, show(cmd), want, got, where);
            }
        }
        probe(e, cmd, where);
    }

    private List<List<String>> prelude(int protocol) {
        List<List<String>> p = new ArrayList<>();
        p.add(List.of("RESET"));
        if (protocol == 3) {
            p.add(List.of("HELLO", "3"));
        }
        p.addAll(pendingCleanup);
        List<String> del = new ArrayList<>(List.of("DEL"));
        del.addAll(Arrays.asList(ArgFuzzGrammar.KEYS));
        p.add(del);
        p.addAll(SETUP);
        return p;
    }

    private static List<List<String>> cleanupAfter(ArgFuzzGrammar.Entry e) {
        return ArgFuzzPolicy.CLEANUP.getOrDefault(e.name(), List.of());
    }

    private void checkPrelude(List<List<String>> prelude, List<FuzzConn.Reply> replies, String who, String where) {
        for (int i = 0; i < prelude.size(); i++) {
            if (replies.get(i).isError()) {
                record("setup failed on " + who + ": " + prelude.get(i).get(0), String.join(" ", prelude.get(i)), "",
                        replies.get(i).render(), where);
            }
        }
    }

    /** The second connection's PING and DBSIZE: answered within a second, and the same key count. */
    private void probe(ArgFuzzGrammar.Entry e, List<String> cmd, String where) throws IOException {
        // DBSIZE for liveness; the key names compared (Redis' DBSIZE still counts keys whose time is up).
        List<List<byte[]>> p = encode(List.of(List.of("PING"), List.of("DBSIZE"), List.of("KEYS", "*")));
        List<FuzzConn.Reply> rr;
        try {
            rr = rProbe.pipeline(p);
        } catch (IOException stalled) {
            reconnect();
            return;
        }
        try {
            List<FuzzConn.Reply> hr = hProbe.pipeline(p);
            String rk = sorted(rr.get(2), 1);
            String hk = sorted(hr.get(2), 1);
            if (!rk.equals(hk)) { // a key given milliseconds to live may be gone on one server only: look again later
                sleepQuietly(250);
                rk = sorted(rProbe.call("KEYS", "*"), 1);
                hk = sorted(hProbe.call("KEYS", "*"), 1);
            }
            if (!rk.equals(hk)) {
                record("keys after " + e.name(), show(cmd), "KEYS * " + rk, "KEYS * " + hk, where);
            }
        } catch (IOException stalled) {
            hangs++;
            record("not live after " + e.name(), show(cmd), "PING+DBSIZE within 1s", stalled.toString(), where);
            reconnect();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reconnect() throws IOException {
        disconnect();
        connect();
        pendingCleanup = List.of(List.of("FLUSHALL"));
    }

    static boolean looksInternal(String reply) {
        String l = reply.toLowerCase(Locale.ROOT);
        return l.contains("internal error") || reply.contains("java.") || reply.contains("Exception");
    }

    private void record(String cls, String command, String redis, String helios, String where) {
        record(divergences, cls, command, redis, helios, where);
    }


    private void record(Map<String, Divergence> into, String cls, String command, String redis, String helios, String where) {
        // The servers may now hold different keys (beyond the ones the reset deletes): start over from empty.
        List<List<String>> next = new ArrayList<>(pendingCleanup);
        next.add(List.of("FLUSHALL"));
        pendingCleanup = next;
        add(into, cls, command, redis, helios, where);
    }

    private static void add(Map<String, Divergence> into, String cls, String command, String redis, String helios, String where) {
        Divergence d = into.get(cls);
        if (d != null) {
            d.count++;
        } else {
            into.put(cls, new Divergence(cls, command, redis, helios, where));
        }
    }

    /** What a reply is for grouping divergences: its error's first word or its RESP type. */
    static String shape(FuzzConn.Reply reply) {
        if (reply.isError()) {
            String t = reply.text();
            int sp = t.indexOf(' ');
            return "-" + (sp < 0 ? t : t.substring(0, sp));
        }
        return String.valueOf(reply.type());
    }

    /** The comparable form of a reply (see ArgFuzzPolicy for what is compared how). */
    static String normalize(String entry, List<String> cmd, FuzzConn.Reply reply) {
        if (reply.isError()) {
            return ArgFuzzPolicy.ERROR_PREFIX_ONLY.contains(entry) || ArgFuzzPolicy.CLASS_ONLY.contains(entry) ? shape(reply)
                    : reply.render();
        }
        if (ArgFuzzPolicy.CLASS_ONLY.contains(entry)) {
            return "(not an error)";
        }
        Integer scanGroup = ArgFuzzPolicy.SCANS.get(entry);
        int cursorArg = entry.equals("scan") ? 1 : 2;
        if (scanGroup != null && cmd.size() > cursorArg && !cmd.get(cursorArg).equals("0")) {
            return "(not an error)"; // a cursor neither server gave out: what comes back is each one's own
        }
        if (scanGroup != null && reply.items() != null && reply.items().size() == 2) {
            FuzzConn.Reply cursor = reply.items().get(0);
            if (!"\"0\"".equals(cursor.text())) {
                return "(unfinished scan)";
            }
            return "scan " + sorted(reply.items().get(1), scanGroup);
        }
        boolean sortBy = (entry.equals("sort") || entry.equals("sort_ro")) && cmd.stream().anyMatch(w -> w.equalsIgnoreCase("by"));
        if (sortBy && cmd.stream().anyMatch(w -> w.equalsIgnoreCase("limit")) && !reply.isError()) {
            return "(not an error)"; // which ties LIMIT keeps is Redis' quicksort's choice
        }
        if (sortBy && reply.items() != null) {
            return reply.type() + sorted(reply, 1); // equal or missing weights leave Redis' order to its quicksort
        }
        if (ArgFuzzPolicy.UNORDERED.contains(entry) && reply.items() != null) {
            return reply.type() + sorted(reply, reply.type() == '%' || entry.equals("hgetall") ? 2 : 1);
        }
        return reply.render();
    }

    private static String sorted(FuzzConn.Reply list, int group) {
        if (list.items() == null) {
            return list.render();
        }
        List<String> parts = new ArrayList<>();
        List<FuzzConn.Reply> items = list.items();
        for (int i = 0; i + group - 1 < items.size(); i += group) {
            StringBuilder b = new StringBuilder();
            for (int j = 0; j < group; j++) {
                b.append(j > 0 ? "=" : "").append(items.get(i + j).render());
            }
            parts.add(b.toString());
        }
        parts.sort(null);
        return parts.toString();
    }

    static List<List<byte[]>> encode(List<List<String>> cmds) {
        List<List<byte[]>> out = new ArrayList<>(cmds.size());
        for (List<String> c : cmds) {
            out.add(bytes(c));
        }
        return out;
    }

    static List<byte[]> bytes(List<String> cmd) {
        List<byte[]> l = new ArrayList<>(cmd.size());
        for (String a : cmd) {
            l.add(a.getBytes(StandardCharsets.ISO_8859_1));
        }
        return l;
    }

    /** A command in the regression-file syntax: quoted where needed, long runs of one char as repeat(N,c). */
    static String show(List<String> cmd) {
        StringBuilder b = new StringBuilder();
        for (String a : cmd) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(quoteArg(a));
        }
        return b.toString();
    }

    static String quoteArg(String a) {
        if (a.length() > 100 && a.chars().distinct().count() == 1) {
            return "repeat(" + a.length() + "," + a.charAt(0) + ")";
        }
        if (!a.isEmpty() && a.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
            return a;
        }
        return RawClient.quote(a.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static final Pattern USED_MEMORY = Pattern.compile("used_memory:(\\d+)");

    /** used_memory of INFO memory on a server after FLUSHALL and flushing scripts and functions. */
    static long usedMemoryAfterFlush(int port) {
        try (FuzzConn c = new FuzzConn(port, 10_000)) {
            c.pipeline(encode(List.of(List.of("FLUSHALL"), List.of("SCRIPT", "FLUSH"), List.of("FUNCTION", "FLUSH"))));
            String info = c.call("INFO", "memory").text();
            Matcher m = USED_MEMORY.matcher(info == null ? "" : info);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException stalled) {
            return Long.MAX_VALUE; // not answering: fails the memory check, the summary says the rest
        }
    }

    String summary() {
        StringBuilder b = new StringBuilder();
        b.append("commands sent: ").append(sent).append(", divergence classes: ").append(divergences.size())
                .append(", hangs: ").append(hangs).append(", internal errors: ").append(internalErrors)
                .append(", known (not fixed yet, see ArgFuzzPolicy.KNOWN): ").append(known.size()).append('\n');
        append(b, divergences);
        if (!known.isEmpty()) {
            b.append("known divergences:\n");
            append(b, known);
        }
        return b.toString();
    }

    private static void append(StringBuilder b, Map<String, Divergence> from) {
        for (Divergence d : from.values()) {
            b.append("  [").append(d.count).append("x] ").append(d.cls).append("  (").append(d.where).append(")\n")
                    .append("    > ").append(d.command).append('\n')
                    .append("    redis:    ").append(clip(d.redis)).append('\n')
                    .append("    heliosdb: ").append(clip(d.helios)).append('\n');
        }
    }

    private static String clip(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "...(" + s.length() + " chars)" : s;
    }
}
