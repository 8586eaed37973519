package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Long random sequences of ACL SETUSER on one user, without deleting it in between (state that
 * accumulates over several calls), mixed with DELUSER and re-creation, another user, AUTH and
 * commands as the user, ACL DRYRUN and acl-pubsub-default changes; every reply, then ACL GETUSER and
 * ACL LIST (and ACL LOG, and every 25 steps ACL SAVE/LOAD), compared with redis-server after each
 * step. Single-command rules are compared as a set: HeliosDB writes them in command-table order,
 * Redis in its hash table's order (docs/architecture.md). -Dacl.seed=N and -Dacl.steps=N run other or
 * longer sequences (CI: seeds 1-3, 400 steps each). Also: ACL LOAD of bad lines, subscribers closed by
 * ACL SETUSER, ACL CAT.
 */
class AclSequenceDifferentialTest {
    /** The last is not UTF-8 (a lone 0xff byte): Redis hashes the bytes as they are. */
    private static final String[] PASSWORDS = {"p1", "p2", "secret", "\u00ff"};
    /** Patterns and names are bytes: "\u00ff" is sent as the lone byte 0xff (not UTF-8). */
    private static final String[] KEY_PATTERNS = {"k*", "a", "b?", "K1", "", "*", "\u00ff*"};
    private static final String[] CHANNELS = {"news.*", "c", "c", "*x", "news.1", "\u00ff"};
    private static final String[] COMMANDS = {"get", "set", "publish", "subscribe", "config", "client", "acl", "ping", "keys",
        "xadd", "eval", "incr", "GET", "hset"};
    private static final String[] SUBCOMMANDS = {"config|get", "client|id", "acl|whoami", "acl|getuser", "CONFIG|set", "client|list"};
    private static final String[] CATEGORIES = {"all", "read", "write", "string", "pubsub", "admin", "fast", "slow", "dangerous",
        "keyspace", "connection", "scripting", "hash", "READ"};
    private static final String[] INVALID = {"foo", "+nosuch", "+@nosuch", "-nosuch|x", "%RR~x", "%~x", "%", "+config|", "%X~a",
        "+config|get|x", "!abc", "#abc", "<nosuchpass", "!" + "A".repeat(64), "!" + sha("nosuch"), "(foo)", "(~a", "(on)"};

    @Test
    void longAclSequencesOnOneUserAnswerAsRedis() throws Exception {
        long seed = Long.getLong("acl.seed", 1);
        int steps = Integer.getInteger("acl.steps", 400);
        Path aclfile = Files.createTempFile("helios-acl", ".acl");
        Path redisAclfile = Files.createTempFile("redis-acl", ".acl");
        try (RedisPeer redis = RedisPeer.start("--aclfile", redisAclfile.toString());
             TestServer helios = TestServer.start("--aclfile", aclfile.toString())) {
            for (long s = seed; s < seed + 3; s++) {
                run(s, steps, redis.port, helios.port(), redisAclfile.toString(), aclfile.toString());
            }
        } finally {
            Files.deleteIfExists(aclfile);
            Files.deleteIfExists(redisAclfile);
        }
    }

    /** ACL LOAD of a file with an error on many lines: every error is reported, as Redis' ACLLoadFromFile does; then of no file. */
    @Test
    void aclLoadReportsEveryBadLineAsRedis() throws Exception {
        String file = "# comment\nuser default on nopass ~* &* +@all\nfoo bar\n  \nuser a on ~* ~x\nuser b \"on\nuser a off\n"
                + "user c (~x\nuser d on bad\nuser \"e f\" on\nuser g on >\"a b\" ~\"q\"\n\tuser h\ton\r\nuser i  on\n";
        Path aclfile = Files.createTempFile("helios-acl", ".acl");
        Path redisAclfile = Files.createTempFile("redis-acl", ".acl");
        try (RedisPeer redis = RedisPeer.start("--aclfile", redisAclfile.toString());
             TestServer helios = TestServer.start("--aclfile", aclfile.toString());
             RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            Files.writeString(aclfile, file);
            Files.writeString(redisAclfile, file);
            assertEquals(r.call("ACL", "LOAD").replace(redisAclfile.toString(), "F"),
                    h.call("ACL", "LOAD").replace(aclfile.toString(), "F"));
            assertEquals(r.call("ACL", "LIST"), h.call("ACL", "LIST"));
            Files.delete(aclfile);
            Files.delete(redisAclfile);
            assertEquals(r.call("ACL", "LOAD").replace(redisAclfile.toString(), "F"), h.call("ACL", "LOAD").replace(aclfile.toString(), "F"));
        } finally {
            Files.deleteIfExists(aclfile);
            Files.deleteIfExists(redisAclfile);
        }
    }

    /**
     * ACL SETUSER closes the user's subscribed connections that its new channel rules refuse, exactly
     * when Redis 7.0 does (RESP2 and RESP3 alike; not while the new patterns include the old ones).
     */
    @Test
    void subscribersOfRevokedChannelsAreClosedAsByRedis() throws Exception {
        String[][] cases = { // rules before, SUBSCRIBE or PSUBSCRIBE and its argument, protocol, rules applied
            {"&c", "SUBSCRIBE", "c", "2", "&d"},
            {"&c", "SUBSCRIBE", "c", "2", "resetchannels &d"},
            {"&c", "SUBSCRIBE", "c", "2", "resetchannels &c*"},
            {"&c*", "PSUBSCRIBE", "c*", "2", "resetchannels &c"},
            {"&c*", "PSUBSCRIBE", "c*", "2", "resetchannels &c* &x"},
            {"&*", "SUBSCRIBE", "c", "2", "resetchannels"},
            {"&c", "SUBSCRIBE", "c", "2", "(&c) resetchannels"},
            {"&c", "SUBSCRIBE", "c", "3", "resetchannels"},
            {"&c &s", "SSUBSCRIBE", "s", "2", "resetchannels &c"},
        };
        try (RedisPeer redis = RedisPeer.start(); TestServer helios = TestServer.start();
             RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            for (String[] c : cases) {
                String expected = revoke(r, redis.port, c);
                String actual = revoke(h, helios.port(), c);
                assertEquals(expected, actual, String.join(" | ", c));
            }
        }
    }

    /** The subscriber's answer to PING after the change, or "closed". */
    private static String revoke(RawClient admin, int port, String[] c) throws Exception {
        List<String> before = new ArrayList<>(List.of("ACL", "SETUSER", "sub", "reset", "on", "nopass", "+@all"));
        before.addAll(List.of(c[0].split(" ")));
        admin.call(before.toArray(String[]::new));
        try (RawClient sub = new RawClient(port)) {
            sub.call("HELLO", c[3], "AUTH", "sub", "x");
            sub.call(c[1], c[2]);
            List<String> change = new ArrayList<>(List.of("ACL", "SETUSER", "sub"));
            change.addAll(List.of(c[4].split(" ")));
            String ok = admin.call(change.toArray(String[]::new));
            String ping;
            try {
                ping = sub.call("PING");
            } catch (java.io.IOException closed) {
                ping = null;
            }
            return ok + " then " + (ping == null ? "closed" : ping);
        } finally {
            admin.call("ACL", "DELUSER", "sub");
        }
    }

    /** ACL LOAD closes the connections of every user but the default one, as Redis frees the old users. */
    @Test
    void aclLoadClosesTheConnectionsOfUsersButDefault() throws Exception {
        String file = "user default on nopass ~* &* +@all\nuser u on nopass ~* +@all\n";
        Path aclfile = Files.createTempFile("helios-acl", ".acl");
        Path redisAclfile = Files.createTempFile("redis-acl", ".acl");
        try (RedisPeer redis = RedisPeer.start("--aclfile", redisAclfile.toString());
             TestServer helios = TestServer.start("--aclfile", aclfile.toString())) {
            Files.writeString(aclfile, file);
            Files.writeString(redisAclfile, file);
            assertEquals(afterLoad(redis.port), afterLoad(helios.port()));
        } finally {
            Files.deleteIfExists(aclfile);
            Files.deleteIfExists(redisAclfile);
        }
    }

    /** The replies of a user's, the default user's and the loading connection's PING after ACL LOAD. */
    private static String afterLoad(int port) throws Exception {
        try (RawClient admin = new RawClient(port); RawClient user = new RawClient(port); RawClient plain = new RawClient(port);
             RawClient loader = new RawClient(port)) {
            admin.call("ACL", "LOAD");
            user.call("AUTH", "u", "x");
            loader.call("AUTH", "u", "x");
            plain.call("PING");
            String load = loader.call("ACL", "LOAD");
            return load + ", loader then " + pingOrClosed(loader) + ", user " + pingOrClosed(user) + ", default "
                    + pingOrClosed(plain) + ", " + admin.call("ACL", "USERS");
        }
    }

    private static String pingOrClosed(RawClient c) {
        try {
            String r = c.call("PING");
            return r == null ? "closed" : r;
        } catch (java.io.IOException closed) {
            return "closed";
        }
    }

    /** ACL CAT NAME lists each command once (a replaced Redis 7.0 row is not listed again); order aside, as Redis'. */
    @Test
    void aclCatListsTheCommandsOfEachCategoryAsRedis() throws Exception {
        // HeliosDB's own CHECKPOINT and Redis 7.2's CLIENT SETINFO / NO-TOUCH are listed too
        List<String> extras = List.of("\"checkpoint\"", "\"client|setinfo\"", "\"client|no-touch\"");
        try (RedisPeer redis = RedisPeer.start(); TestServer helios = TestServer.start();
             RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            for (String cat : List.of("keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
                    "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection",
                    "transaction", "scripting")) {
                List<String> expected = sortedElements(r.call("ACL", "CAT", cat));
                List<String> actual = new ArrayList<>(sortedElements(h.call("ACL", "CAT", cat)));
                actual.removeAll(extras);
                assertEquals(expected, actual, "ACL CAT " + cat);
            }
        }
    }

    private static List<String> sortedElements(String array) {
        List<String> l = new ArrayList<>(List.of(array.substring(2, array.length() - 1).split(", ")));
        l.sort(null);
        return l;
    }

    private static void run(long seed, int steps, int redisPort, int heliosPort, String redisAclfile, String aclfile)
            throws Exception {
        Random rnd = new Random(seed);
        ArrayDeque<String> history = new ArrayDeque<>();
        try (RawClient r = new RawClient(redisPort); RawClient h = new RawClient(heliosPort);
             RawClient ru = new RawClient(redisPort); RawClient hu = new RawClient(heliosPort)) {
            for (RawClient c : new RawClient[]{r, h}) {
                c.call("ACL", "DELUSER", "fuzzer", "other");
                c.call("CONFIG", "SET", "acl-pubsub-default", "resetchannels");
                c.call("ACL", "LOG", "RESET");
            }
            for (int step = 0; step < steps; step++) {
                List<String[]> calls = step(rnd);
                for (String[] cmd : calls) {
                    history.addLast(render(cmd));
                    if (history.size() > 40) {
                        history.removeFirst();
                    }
                    boolean asUser = cmd[0].equals("AS-USER");
                    String[] sent = asUser ? Arrays.copyOfRange(cmd, 1, cmd.length) : cmd;
                    compare(seed, step, history, sent, call(asUser ? ru : r, sent), call(asUser ? hu : h, sent));
                }
                for (RawClient c : new RawClient[]{ru, hu}) {
                    c.call("AUTH", "default", "x"); // the default user has nopass: back to it
                }
                compare(seed, step, history, new String[]{"ACL", "GETUSER", "fuzzer"}, r.call("ACL", "GETUSER", "fuzzer"),
                        h.call("ACL", "GETUSER", "fuzzer"));
                compare(seed, step, history, new String[]{"ACL", "LIST"}, r.call("ACL", "LIST"), h.call("ACL", "LIST"));
                if (step % 25 == 24) { // the users read back from the aclfile as ACL LIST wrote them, on both
                    for (String[] c : new String[][]{{"ACL", "SAVE"}, {"ACL", "LOAD"}, {"ACL", "LIST"}}) {
                        compare(seed, step, history, c, r.call(c).replace(redisAclfile, "ACLFILE"),
                                h.call(c).replace(aclfile, "ACLFILE"));
                    }
                }
                compare(seed, step, history, new String[]{"ACL", "LOG", "3"}, withoutTimesAndClients(r.call("ACL", "LOG", "3")),
                        withoutTimesAndClients(h.call("ACL", "LOG", "3")));
            }
            for (RawClient c : new RawClient[]{r, h}) {
                c.call("ACL", "DELUSER", "fuzzer", "other");
                c.call("CONFIG", "SET", "acl-pubsub-default", "resetchannels");
            }
        }
    }

    /** Sends each character as one byte (ISO-8859-1), so that a password can be any bytes. */
    private static String call(RawClient c, String[] cmd) throws java.io.IOException {
        List<byte[]> args = new ArrayList<>();
        for (String a : cmd) {
            args.add(a.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        c.send(args);
        return c.read();
    }

    private static void compare(long seed, int step, ArrayDeque<String> history, String[] cmd, String redis, String helios) {
        boolean hello = cmd[0].equals("HELLO"); // its reply holds the connection's id: compared as a success or the error
        String expected = hello && !redis.startsWith("-") ? "HELLO reply" : normalize(redis);
        String actual = hello && !helios.startsWith("-") ? "HELLO reply" : normalize(helios);
        if (!expected.equals(actual)) {
            fail("seed " + seed + " step " + step + "\n  command:  " + render(cmd) + "\n  redis:    " + redis + "\n  heliosdb: "
                    + helios + "\n  recent commands:\n    " + String.join("\n    ", history));
        }
    }

    /** One step: mostly an ACL SETUSER fuzzer with a few rules; sometimes DELUSER, AUTH, DRYRUN, another user. */
    private static List<String[]> step(Random rnd) {
        List<String[]> out = new ArrayList<>();
        int kind = rnd.nextInt(100);
        if (kind < 70) {
            out.add(setuser("fuzzer", rnd));
        } else if (kind < 77) {
            out.add(new String[]{"ACL", "DELUSER", "fuzzer"});
        } else if (kind < 80) {
            out.add(setuser("other", rnd));
        } else if (kind < 90) {
            out.add(rnd.nextInt(4) == 0 ? new String[]{"AS-USER", "HELLO", "2", "AUTH", "fuzzer", pick(rnd, PASSWORDS)}
                    : new String[]{"AS-USER", "AUTH", "fuzzer", pick(rnd, PASSWORDS)});
            out.add(new String[]{"AS-USER", "ACL", "WHOAMI"});
            out.add(userCommand(rnd));
            out.add(userCommand(rnd));
            if (rnd.nextInt(3) == 0) { // denied while queued: ACL LOG's "multi" context
                out.add(new String[]{"AS-USER", "MULTI"});
                out.add(userCommand(rnd));
                out.add(new String[]{"AS-USER", "DISCARD"});
            }
        } else if (kind < 94) {
            String[] c = rnd.nextInt(4) == 0 ? dryRunOnly(rnd) : userCommand(rnd);
            String[] d = new String[c.length + 2];
            d[0] = "ACL";
            d[1] = "DRYRUN";
            d[2] = "fuzzer";
            System.arraycopy(c, 1, d, 3, c.length - 1);
            out.add(d);
        } else if (kind < 96) {
            out.add(new String[]{"ACL", pick(rnd, "GETUSER", "DELUSER"), pick(rnd, "nouser", "other", "fuzz er")});
        } else if (kind < 97) {
            out.add(new String[]{"ACL", "SETUSER", pick(rnd, "fuzz er", "fuzz\u0000er", "Fuzzer"), pick(rnd, "on", "~x", "bad")});
        } else {
            out.add(new String[]{"CONFIG", "SET", "acl-pubsub-default", rnd.nextBoolean() ? "allchannels" : "resetchannels"});
        }
        return out;
    }

    /** Commands that would change the connection's state: only asked about through ACL DRYRUN. */
    private static String[] dryRunOnly(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> new String[]{"AS-USER", "SUBSCRIBE", pick(rnd, CHANNELS), pick(rnd, CHANNELS)};
            case 1 -> new String[]{"AS-USER", "PSUBSCRIBE", pick(rnd, CHANNELS)};
            case 2 -> new String[]{"AS-USER", "SPUBLISH", pick(rnd, CHANNELS), "m"};
            default -> new String[]{"AS-USER", "SSUBSCRIBE", pick(rnd, CHANNELS)};
        };
    }

    private static String[] userCommand(Random rnd) {
        return switch (rnd.nextInt(20)) {
            case 18 -> new String[]{"AS-USER", "EVAL", "return redis.acl_check_cmd('SET', KEYS[1], 'v')", "1", pick(rnd, "K1", "a", "zz")};
            // not acl_check_cmd('SET'): Redis then checks a key past the arguments, whatever its last call left there
            case 19 -> new String[]{"AS-USER", "EVAL", "return redis.acl_check_cmd(" + pick(rnd, "'SORT', 'a'", "'nosuch'") + ")", "0"};
            case 17 -> new String[]{"AS-USER", "EVAL", "return redis.pcall('GET', KEYS[1])", "1", pick(rnd, "K1", "a", "zz")};
            case 0 -> new String[]{"AS-USER", "GET", pick(rnd, "K1", "a", "bb", "zz", "\u00ffk")};
            case 7 -> new String[]{"AS-USER", "MSET", pick(rnd, "K1", "a"), "v", pick(rnd, "bb", "zz"), "w"};
            case 8 -> new String[]{"AS-USER", "LMOVE", pick(rnd, "K1", "a"), pick(rnd, "bb", "zz"), "LEFT", "RIGHT"};
            case 9 -> new String[]{"AS-USER", "EVAL", "return 1", "1", pick(rnd, "K1", "a", "zz")};
            case 10 -> new String[]{"AS-USER", pick(rnd, "EXISTS", "TOUCH", "DEL", "GETDEL", "STRLEN"), pick(rnd, "K1", "a", "zz")};
            case 11 -> new String[]{"AS-USER", "SINTERSTORE", pick(rnd, "K1", "bb"), pick(rnd, "a", "zz"), "K1"};
            case 12 -> new String[]{"AS-USER", "RENAME", pick(rnd, "K1", "a"), pick(rnd, "bb", "zz")};
            case 14 -> new String[]{"AS-USER", "ZUNIONSTORE", pick(rnd, "K1", "zz"), "2", pick(rnd, "a", "bb"), pick(rnd, "K1", "zz")};
            case 15 -> new String[]{"AS-USER", "LMPOP", "2", pick(rnd, "a", "bb"), pick(rnd, "K1", "zz"), "LEFT"};
            case 16 -> new String[]{"AS-USER", "GEORADIUS", pick(rnd, "a", "K1"), "0", "0", "1", "km", "STORE", pick(rnd, "bb", "zz")};
            case 13 -> new String[]{"AS-USER", "SORT", pick(rnd, "K1", "a"), "BY", "nosort", "STORE", pick(rnd, "bb", "zz")};
            case 1 -> new String[]{"AS-USER", "SET", pick(rnd, "K1", "a", "bb", "zz"), "v"};
            case 2 -> new String[]{"AS-USER", "PUBLISH", pick(rnd, CHANNELS), "m"};
            case 3 -> new String[]{"AS-USER", "CONFIG", "GET", "maxmemory-policy"};
            case 4 -> new String[]{"AS-USER", "CLIENT", "GETNAME"};
            case 5 -> new String[]{"AS-USER", "COPY", pick(rnd, "K1", "a"), pick(rnd, "bb", "zz")};
            default -> new String[]{"AS-USER", "PING"};
        };
    }

    private static String[] setuser(String user, Random rnd) {
        List<String> cmd = new ArrayList<>(List.of("ACL", "SETUSER", user));
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(12) == 0) {
                // a selector spread over several arguments, as Redis merges them
                cmd.add("(" + rule(rnd, true));
                if (rnd.nextBoolean()) {
                    cmd.add(rule(rnd, true));
                }
                cmd.add(rule(rnd, true) + ")");
            } else {
                cmd.add(rule(rnd, false));
            }
        }
        return cmd.toArray(String[]::new);
    }

    private static String rule(Random rnd, boolean inSelector) {
        int k = rnd.nextInt(inSelector ? 17 : 30);
        return switch (k) {
            case 0 -> "~" + pick(rnd, KEY_PATTERNS);
            case 1 -> pick(rnd, "%R~", "%W~", "%RW~", "%WR~", "%r~", "%w~") + pick(rnd, KEY_PATTERNS);
            case 2 -> pick(rnd, "allkeys", "resetkeys", "~*", "ALLKEYS");
            case 3 -> "&" + pick(rnd, CHANNELS);
            case 4 -> pick(rnd, "allchannels", "resetchannels", "&*");
            case 5, 6 -> pick(rnd, "+", "-") + pick(rnd, COMMANDS);
            case 7, 8 -> pick(rnd, "+", "-") + "@" + pick(rnd, CATEGORIES);
            case 9 -> pick(rnd, "+", "-") + pick(rnd, SUBCOMMANDS);
            case 10 -> pick(rnd, "allcommands", "nocommands");
            case 11 -> pick(rnd, INVALID);
            case 12, 13, 14, 15, 16 -> inSelector ? pick(rnd, "+", "-") + pick(rnd, COMMANDS) : "(" + selector(rnd) + ")";
            case 17, 18 -> pick(rnd, "on", "off", "ON");
            case 19 -> pick(rnd, "nopass", "resetpass");
            case 20, 21 -> ">" + pick(rnd, PASSWORDS);
            case 22 -> "<" + pick(rnd, PASSWORDS);
            case 23 -> "#" + sha(pick(rnd, PASSWORDS));
            case 24 -> "!" + sha(pick(rnd, PASSWORDS));
            case 25 -> "reset";
            case 26 -> "clearselectors";
            case 27 -> pick(rnd, "sanitize-payload", "skip-sanitize-payload");
            case 28 -> "";
            default -> "(" + selector(rnd) + ")";
        };
    }

    private static String selector(Random rnd) {
        int n = rnd.nextInt(4);
        List<String> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(rule(rnd, true));
        }
        return String.join(" ", ops);
    }

    @SafeVarargs
    private static <T> T pick(Random rnd, T... options) {
        return options[rnd.nextInt(options.length)];
    }

    static String sha(String password) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(password.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String render(String[] cmd) {
        StringBuilder b = new StringBuilder();
        for (String a : cmd) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(a.isEmpty() || a.contains(" ") ? '"' + a + '"' : a);
        }
        return b.toString();
    }

    /** ACL LOG entries without their age and client (those differ between any two servers). */
    static String withoutTimesAndClients(String log) {
        return log.replaceAll("(\"age-seconds\", )\"[^\"]*\"", "$1?").replaceAll("(\"client-info\", )\"(?:[^\"\\\\]|\\\\.)*\"", "$1?");
    }

    /** A run of single-command rules ("+get -set") in a description, sorted: their order is the table's. */
    private static final Pattern SINGLES = Pattern.compile("(?<=[ \"(])[+-][a-z][^ \"()]*(?: [+-][a-z][^ \"()]*)*");

    static String normalize(String reply) {
        if (reply.startsWith("-")) {
            reply = reply.replaceAll("[^\\x00-\\x7f]", "?"); // HeliosDB writes error texts in ASCII (RespWriter.error)
        }
        Matcher m = SINGLES.matcher(reply);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            List<String> rules = new ArrayList<>(List.of(m.group().split(" ")));
            rules.sort(null);
            m.appendReplacement(b, Matcher.quoteReplacement(String.join(" ", rules)));
        }
        m.appendTail(b);
        return b.toString();
    }
}
