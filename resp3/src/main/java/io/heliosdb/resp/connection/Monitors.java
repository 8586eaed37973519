package io.heliosdb.resp.connection;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.pubsub.Subscriber;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The clients in MONITOR mode and the feed of commands to them, in Redis' format
 * ({@code +<unix>.<usec> [<db> <addr>|lua] "cmd" "arg"...}): what every client ran, after it ran
 * (scripts: when they start, their own calls after them), without admin commands and with
 * passwords redacted as Redis does. The dispatch paths read {@link #active} once per command and do
 * nothing else while no monitor is connected; any thread may feed.
 */
public final class Monitors {
    public static final Feature<Monitors> FEATURE = Feature.named("monitors");

    public static Monitors of(ServerContext server) {
        return server.get(FEATURE);
    }

    private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    private final CopyOnWriteArrayList<ClientSession> watchers = new CopyOnWriteArrayList<>();
    /** Whether any monitor is connected: the one check the hot path pays. */
    private volatile boolean active;

    public boolean active() {
        return active;
    }

    /** Connection loop of {@code s} only. */
    public void add(ClientSession s) {
        s.monitor = true;
        watchers.add(s);
        active = true;
    }

    /** On RESET or disconnect; connection loop of {@code s} only. */
    public void remove(ClientSession s) {
        if (s.monitor) {
            s.monitor = false;
            watchers.remove(s);
            active = !watchers.isEmpty();
        }
    }

    /** Whether Redis shows this command to monitors (admin commands are too dangerous to show; QUIT never runs as a command there). */
    public static boolean shown(CommandSpec spec) {
        return !spec.flags().contains("admin") && !spec.name().equals("quit") && (!spec.flags().contains("skip_monitor") || spec.runsScript());
    }

    /** Feeds one command run by {@code from} in database {@code db}; {@code lua}: run by a script. */
    public void feed(ClientSession from, boolean lua, int db, CommandSpec spec, Args args) {
        if (!shown(spec) || watchers.isEmpty()) {
            return;
        }
        deliver(line(from, lua, db, spec, args));
    }

    /** Sends a line made by {@link #line} to every monitor; null (a command not shown) sends nothing. */
    public void deliver(byte[] line) {
        if (line == null) {
            return;
        }
        for (ClientSession w : watchers) {
            if (w.get(Subscriber.FEATURE) != null && w.replyMode != ClientSession.ReplyMode.OFF) {
                w.get(Subscriber.FEATURE).deliverFromAnyThread(line);
            }
        }
    }

    /** The line monitors are shown for this command, or null when Redis would not show it. */
    public byte[] line(ClientSession from, boolean lua, int db, CommandSpec spec, Args args) {
        if (!shown(spec)) {
            return null;
        }
        Instant now = Instant.now();
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        String head = String.format("+%d.%06d [%d %s] ", now.getEpochSecond(), now.getNano() / 1000, db,
                lua ? "lua" : from == null ? "?" : from.addr);
        b.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        boolean[] redacted = redactions(spec, args);
        for (int i = 0; i < args.count(); i++) {
            if (i > 0) {
                b.write(' ');
            }
            quote(b, redacted[i] ? REDACTED : args.bytes(i));
        }
        b.write('\r');
        b.write('\n');
        return b.toByteArray();
    }

    /** Redis' sdscatrepr: quoted, with C escapes for quotes, backslashes and control bytes. */
    public static void quote(ByteArrayOutputStream b, byte[] s) {
        b.write('"');
        for (byte x : s) {
            int c = x & 0xFF;
            switch (c) {
                case '\\', '"' -> { b.write('\\'); b.write(c); }
                case '\n' -> { b.write('\\'); b.write('n'); }
                case '\r' -> { b.write('\\'); b.write('r'); }
                case '\t' -> { b.write('\\'); b.write('t'); }
                case 7 -> { b.write('\\'); b.write('a'); }
                case '\b' -> { b.write('\\'); b.write('b'); }
                default -> {
                    if (c >= 0x20 && c < 0x7F) {
                        b.write(c);
                    } else {
                        b.writeBytes(String.format("\\x%02x", c).getBytes(StandardCharsets.US_ASCII));
                    }
                }
            }
        }
        b.write('"');
    }

    /** The arguments Redis replaces by "(redacted)" before showing a command: passwords of AUTH, HELLO and MIGRATE. */
    static boolean[] redactions(CommandSpec spec, Args a) {
        boolean[] r = new boolean[a.count()];
        switch (spec.name()) {
            case "auth" -> {
                for (int i = 1; i < r.length; i++) {
                    r[i] = true;
                }
            }
            case "hello" -> {
                for (int j = 2; j < r.length; j++) {
                    int more = r.length - 1 - j;
                    String opt = a.lower(j);
                    if (opt.equals("auth") && more >= 2) {
                        r[j + 1] = r[j + 2] = true;
                        j += 2;
                    } else if (opt.equals("setname") && more >= 1) {
                        j++;
                    } else {
                        break; // HELLO stops at a syntax error, before redacting further
                    }
                }
            }
            case "migrate" -> {
                for (int j = 6; j < r.length; j++) {
                    int more = r.length - 1 - j;
                    String opt = a.lower(j);
                    if (opt.equals("auth") && more >= 1) {
                        r[++j] = true;
                    } else if (opt.equals("auth2") && more >= 2) {
                        r[j + 1] = r[j + 2] = true;
                        j += 2;
                    } else if (!opt.equals("copy") && !opt.equals("replace")) {
                        break; // KEYS (the rest are keys) or a syntax error
                    }
                }
            }
            default -> { }
        }
        return r;
    }
}
