package io.heliosdb.resp.keys;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.keyspace.rdb.RdbValues;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTransaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw] [AUTH2 user pw] [KEYS key...], as
 * Redis 7.0's cluster.c does it: DUMP payloads sent as RESTORE (after AUTH and, when the cached
 * connection has another database selected, SELECT), one reply per key, the restored keys deleted
 * here unless COPY. The keys stay locked from their dump to their delete, so the move is atomic
 * for other clients as in Redis; the connecting, writing and waiting happen on a virtual thread,
 * never on a shard's loop, and only the dump and the delete run on the owning shards.
 */
final class MigrateCommand {
    private MigrateCommand() {}

    static final String CONNECT_ERROR = "IOERR error or timeout connecting to the client";

    /** What the arguments ask for. */
    private record Request(String host, String port, long db, long timeout, boolean copy, boolean replace,
                           byte[] user, byte[] password, int firstKey, int keyCount) {}

    /** A key found here: its argument, DUMP payload and remaining TTL (0: none). */
    private record Found(int arg, byte[] key, byte[] payload, long ttl) {}

    static void run(CrossShardCall call) {
        Object parsed = parse(call.args());
        if (parsed instanceof String error) {
            call.finish(w -> w.error(error));
            return;
        }
        Request r = (Request) parsed;
        Map<Shard, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = r.firstKey; i < r.firstKey + r.keyCount; i++) {
            groups.computeIfAbsent(call.shardOfArg(i), s -> new ArrayList<>()).add(i);
        }
        if (groups.isEmpty()) {
            call.finish(w -> w.simple("NOKEY"));
            return;
        }
        Shard[] shards = groups.keySet().toArray(Shard[]::new);
        ShardTransaction tx = call.transaction(shards);
        tx.lockKeys(call.lockKeys(groups), () -> tx.run(shards, s -> dump(call, s, groups.get(s)), false,
                () -> dumped(call, r, tx, shards, groups)));
    }

    /** On a key's shard: the keys there that exist, with payload and TTL. */
    private static List<Found> dump(CrossShardCall call, Shard s, List<Integer> args) {
        Keyspace ks = call.db(s);
        long now = call.server().clock().millis();
        List<Found> found = new ArrayList<>();
        for (int i : args) {
            long e = call.lookupRead(s, i);
            if (e == Keyspace.NONE) {
                continue;
            }
            long at = ks.expireAt(e);
            long ttl = at == 0 ? 0 : Math.max(1, at - now);
            found.add(new Found(i, call.args().bytes(i), RdbValues.dumpPayload(DumpCommands.valueOf(ks, e)), ttl));
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private static void dumped(CrossShardCall call, Request r, ShardTransaction tx, Shard[] shards, Map<Shard, List<Integer>> groups) {
        Object[] results = tx.results();
        List<Found> found = new ArrayList<>();
        for (Object o : results) {
            if (o instanceof RuntimeException e) {
                tx.release(shards);
                call.finish(w -> w.error("ERR internal error: " + e));
                return;
            }
            found.addAll((List<Found>) o);
        }
        found.sort(Comparator.comparingInt(Found::arg)); // sent in argument order, as Redis does
        if (found.isEmpty()) {
            tx.release(shards);
            call.finish(w -> w.simple("NOKEY"));
            return;
        }
        MigrateSockets sockets = MigrateSockets.of(call.server());
        Shard home = call.home();
        Runnable closeIdle = () -> home.loop().schedule(() -> sockets.closeIdle(call.server().clock().millis()),
                MigrateSockets.IDLE_MILLIS + 100, TimeUnit.MILLISECONDS);
        if (call.isSynchronous()) {
            // inside a script, which runs synchronously on this thread: block like Redis' MIGRATE does
            transferred(call, r, tx, shards, groups, transfer(sockets, r, found, call.server().clock().millis()));
            closeIdle.run();
            return;
        }
        Thread.ofVirtual().name("migrate").start(() -> {
            Outcome o;
            try {
                o = transfer(sockets, r, found, call.server().clock().millis());
            } catch (RuntimeException e) {
                o = new Outcome("ERR internal error: " + e, List.of()); // the keys must be released whatever happened
            }
            Outcome outcome = o;
            home.loop().execute(() -> transferred(call, r, tx, shards, groups, outcome));
            closeIdle.run();
        });
    }

    /** The target's answers: the reply for the client, and which keys it restored. */
    private record Outcome(String error, List<Integer> restored) {}

    private static Outcome transfer(MigrateSockets sockets, Request r, List<Found> found, long now) {
        for (int attempt = 0; ; attempt++) {
            MigrateSockets.Target t;
            try {
                t = sockets.take(r.host, r.port, r.timeout, now);
            } catch (SocketTimeoutException e) {
                return new Outcome(CONNECT_ERROR, List.of());
            } catch (IOException e) {
                // Redis' non-blocking connect "succeeds" against a closed port; its first write fails
                return new Outcome(ioError(true), List.of());
            }
            boolean reused = t.reused;
            boolean select = t.lastDb != r.db;
            boolean writing = true;
            List<Integer> restored = new ArrayList<>();
            String targetError = null;
            int read = 0;
            AtomicBoolean writeTimedOut = new AtomicBoolean();
            try {
                writeInChunks(t, commands(r, found, select), r.timeout, writeTimedOut);
                writing = false;
                String auth = r.password != null ? line(t) : null;
                String sel = select ? line(t) : null;
                for (Found f : found) {
                    String reply = line(t);
                    read++;
                    String err = auth != null && auth.startsWith("-") ? auth : sel != null && sel.startsWith("-") ? sel
                            : reply.startsWith("-") ? reply : null;
                    if (err != null) {
                        if (targetError == null) {
                            targetError = "ERR Target instance replied with error: " + err.substring(1);
                        }
                    } else {
                        restored.add(f.arg);
                    }
                }
            } catch (IOException e) {
                t.close();
                boolean timedOut = e instanceof SocketTimeoutException || writeTimedOut.get();
                if (reused && read == 0 && !timedOut && attempt == 0) {
                    continue; // the cached connection was closed by the target: try once with a fresh one
                }
                if (targetError != null || !restored.isEmpty()) {
                    return new Outcome(targetError != null ? targetError : ioError(writing), restored);
                }
                return new Outcome(ioError(writing), restored);
            }
            t.lastDb = targetError != null ? -1 : (int) r.db;
            sockets.give(t, now);
            return new Outcome(targetError, restored);
        }
    }

    /**
     * Redis writes in 64 KiB chunks, each within the timeout (its connSyncWrite): a target that stops
     * reading gets the socket closed under the blocked write. The timer is not a shard loop, which
     * may be the very thread writing (a script's MIGRATE).
     */
    private static void writeInChunks(MigrateSockets.Target t, byte[] b, long timeoutMillis,
                                      AtomicBoolean timedOut) throws IOException {
        for (int off = 0; off < b.length; off += 64 * 1024) {
            int n = Math.min(64 * 1024, b.length - off);
            ScheduledFuture<?> guard = MigrateSockets.TIMERS.schedule(() -> {
                timedOut.set(true);
                t.close(); // unblocks the write below with an exception
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            try {
                t.out.write(b, off, n);
                t.out.flush();
            } finally {
                guard.cancel(false);
            }
        }
    }

    private static String ioError(boolean writing) {
        return "IOERR error or timeout " + (writing ? "writing" : "reading") + " to target instance";
    }

    /** AUTH, SELECT and one RESTORE per key, in one buffer (Redis sends it in 64 KiB writes). */
    private static byte[] commands(Request r, List<Found> found, boolean select) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (r.password != null) {
            if (r.user != null) {
                command(b, bytes("AUTH"), r.user, r.password);
            } else {
                command(b, bytes("AUTH"), r.password);
            }
        }
        if (select) {
            command(b, bytes("SELECT"), bytes(Long.toString(r.db)));
        }
        for (Found f : found) {
            byte[] ttl = bytes(Long.toString(f.ttl));
            if (r.replace) {
                command(b, bytes("RESTORE"), f.key, ttl, f.payload, bytes("REPLACE"));
            } else {
                command(b, bytes("RESTORE"), f.key, ttl, f.payload);
            }
        }
        return b.toByteArray();
    }

    private static void command(ByteArrayOutputStream b, byte[]... args) {
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One reply line, without its CRLF; Redis reads at most 1024 bytes of it. */
    private static String line(MigrateSockets.Target t) throws IOException {
        StringBuilder s = new StringBuilder();
        while (true) {
            int c = t.in.read();
            if (c < 0) {
                throw new IOException("connection closed by the target");
            }
            if (c == '\n') {
                int n = s.length();
                return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
            }
            if (s.length() < 1024) {
                s.append((char) c);
            }
        }
    }

    /** Back on the client's loop: delete what the target restored (unless COPY), then answer. */
    private static void transferred(CrossShardCall call, Request r, ShardTransaction tx, Shard[] shards,
                                    Map<Shard, List<Integer>> groups, Outcome o) {
        String reply = o.error;
        if (r.copy || o.restored.isEmpty()) {
            tx.release(shards);
            call.finish(w -> answer(w, reply));
            return;
        }
        tx.run(shards, s -> {
            Keyspace ks = call.db(s);
            Args a = call.args();
            for (int i : groups.get(s)) {
                if (o.restored.contains(i)) {
                    ks.delete(a.segment(), a.offset(i), a.length(i));
                }
            }
            return null;
        }, true, () -> call.finish(w -> answer(w, reply)));
    }

    private static void answer(RespWriter w, String error) {
        if (error == null) {
            w.ok();
        } else {
            w.error(error);
        }
    }

    /** Redis' parsing order: options, then timeout and db; the first problem is the answer. */
    private static Object parse(Args a) {
        boolean copy = false, replace = false;
        byte[] user = null, password = null;
        int first = 3, count = 1;
        for (int j = 6; j < a.count(); j++) {
            int more = a.count() - 1 - j;
            switch (a.lower(j)) {
                case "copy" -> copy = true;
                case "replace" -> replace = true;
                case "auth" -> {
                    if (more < 1) {
                        return Errors.SYNTAX;
                    }
                    password = a.bytes(++j);
                }
                case "auth2" -> {
                    if (more < 2) {
                        return Errors.SYNTAX;
                    }
                    user = a.bytes(++j);
                    password = a.bytes(++j);
                }
                case "keys" -> {
                    if (a.length(3) != 0) {
                        return "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string";
                    }
                    first = j + 1;
                    count = a.count() - j - 1;
                    j = a.count();
                }
                default -> {
                    return Errors.SYNTAX;
                }
            }
        }
        if (!a.isLong(5) || !a.isLong(4)) {
            return Errors.NOT_INTEGER;
        }
        long timeout = a.parseLong(5);
        return new Request(a.string(1), a.string(2), a.parseLong(4), timeout <= 0 ? 1000 : timeout, copy, replace, user,
                password, first, count);
    }
}
