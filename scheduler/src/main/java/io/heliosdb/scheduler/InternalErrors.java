package io.heliosdb.scheduler;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Failures that are bugs (an exception escaping a task, a step or a command): each gets an id,
 * which the log line and the client's error both carry, so a user's report leads to the stack
 * trace without the client ever seeing Java text. Tests require none. Any thread.
 */
public final class InternalErrors {
    private final AtomicLong count = new AtomicLong();

    /** Logs {@code t} with a new id and returns the id. */
    public long report(String where, Throwable t) {
        long id = count.incrementAndGet();
        StringBuilder b = new StringBuilder("HeliosDB internal error ").append(id).append(" on ").append(where).append(": ");
        System.err.println(b);
        t.printStackTrace();
        return id;
    }

    public long count() {
        return count.get();
    }
}
