package io.heliosdb.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cross-shard transactions that hold changes on some shard and have no commit record yet, and
 * who waits for them. A transaction becomes open when a shard first holds a part of it and is
 * resolved once its commit record is logged. Any thread.
 */
public final class Resolutions {
    private final Map<Long, List<Runnable>> open = new HashMap<>();

    /** A shard holds a part of {@code tx} (before it names {@code tx} as anyone's dependency). */
    public synchronized void opened(long tx) {
        open.putIfAbsent(tx, new ArrayList<>(1));
    }

    /** Runs {@code then} (on this thread, or on the resolving one) once {@code tx} is resolved. */
    public void whenResolved(long tx, Runnable then) {
        synchronized (this) {
            List<Runnable> waiting = open.get(tx);
            if (waiting != null) {
                waiting.add(then);
                return;
            }
        }
        then.run();
    }

    public void resolve(long tx) {
        List<Runnable> waiting;
        synchronized (this) {
            waiting = open.remove(tx);
        }
        if (waiting != null) {
            waiting.forEach(Runnable::run);
        }
    }

    public synchronized boolean isOpen(long tx) {
        return open.containsKey(tx);
    }
}
