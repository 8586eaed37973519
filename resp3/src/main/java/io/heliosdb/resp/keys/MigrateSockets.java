package io.heliosdb.resp.keys;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.ServerContext;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * MIGRATE's connections to its targets, kept between calls as Redis keeps migrate_cached_sockets:
 * one per host:port, at most 64, closed once idle for 10 seconds, remembering the database last
 * SELECTed so the next MIGRATE to it can skip SELECT. A connection is taken out while a MIGRATE uses
 * it (two at once to one target each get their own). Used from MIGRATE's I/O threads only.
 */
public final class MigrateSockets {
    static final int MAX_CACHED = 64;
    static final long IDLE_MILLIS = 10_000;
    /** Write deadlines of every MIGRATE: one daemon thread that only closes sockets. */
    static final ScheduledThreadPoolExecutor TIMERS = timers();

    private static final Feature<MigrateSockets> FEATURE = Feature.named("migrate sockets");

    /** The server's cache, made on first use. */
    public static MigrateSockets of(ServerContext server) {
        return server.featureState(FEATURE, MigrateSockets::new);
    }

    private static ScheduledThreadPoolExecutor timers() {
        var t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "migrate-timeouts");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true); // a write done in time leaves nothing queued
        return t;
    }

    /** One open connection to a target. */
    static final class Target {
        final String name;
        final Socket socket;
        final OutputStream out;
        final InputStream in;
        int lastDb = -1;
        long lastUseMillis;
        /** Taken from the cache rather than freshly opened: a failure may just mean the target closed it. */
        boolean reused;

        Target(String name, Socket socket) throws IOException {
            this.name = name;
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream());
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a connection we give up on
            }
        }
    }

    private final Map<String, Target> cached = new HashMap<>();

    /**
     * A connection to host:port, cached or new. Throws {@link java.net.SocketTimeoutException} when
     * it cannot connect within {@code timeoutMillis}, another IOException when the target refuses.
     */
    Target take(String host, String port, long timeoutMillis, long now) throws IOException {
        String name = host + ":" + port;
        synchronized (this) {
            closeIdle(now);
            Target t = cached.remove(name);
            if (t != null) {
                t.reused = true;
                return t;
            }
        }
        Socket s = new Socket();
        try {
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = 0; // as C's atoi: the connection then fails
            }
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, p), (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
            return new Target(name, s);
        } catch (IOException | IllegalArgumentException e) {
            s.close();
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    /** Puts a healthy connection back for the next MIGRATE to its target. */
    synchronized void give(Target t, long now) {
        t.lastUseMillis = now;
        t.reused = false;
        Target old = cached.put(t.name, t);
        if (old != null) {
            old.close(); // two MIGRATEs to one target ran at once: keep one connection
        }
        if (cached.size() > MAX_CACHED) {
            Iterator<Map.Entry<String, Target>> it = cached.entrySet().iterator();
            Target victim = it.next().getValue();
            if (victim == t) {
                victim = it.next().getValue();
            }
            cached.remove(victim.name).close();
        }
    }

    /** Closes cached connections idle for {@link #IDLE_MILLIS} (Redis' migrateCloseTimedoutSockets). */
    public synchronized void closeIdle(long now) {
        cached.values().removeIf(t -> {
            if (now - t.lastUseMillis >= IDLE_MILLIS) {
                t.close();
                return true;
            }
            return false;
        });
    }

    public synchronized int size() {
        return cached.size();
    }
}
