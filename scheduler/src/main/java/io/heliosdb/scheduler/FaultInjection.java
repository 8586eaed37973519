package io.heliosdb.scheduler;

/**
 * Test-only failures at the places where the scheduler runs other code, to prove that a failure
 * anywhere leaves no lock, queue or waiting client behind. Off (null plan) in production: one
 * plain field read per point.
 */
public final class FaultInjection {
    private FaultInjection() {}

    /** Where a failure can be injected. */
    public enum Point {
        /** Data work run from the mailbox, the FIFO behind a lock, or a key's waiters. */
        TASK,
        /** A lock request being granted on its shard. */
        LOCK,
        /** A step of a cross-shard command on its shard. */
        STEP,
        /** The coordinator's continuation on the origin shard. */
        CONTINUATION,
        /** Rendering a cross-shard command's reply (upper layers ask through {@link Shard#injectedFault}). */
        REPLY
    }

    /** Decides, per point and shard, whether to fail there now. Called on shard threads. */
    public interface Plan {
        boolean failAt(Point point, Shard shard);
    }

    /** The exception an injected failure throws. */
    public static final class InjectedFault extends RuntimeException {
        InjectedFault(Point point, Shard shard) {
            super("injected failure at " + point + " on " + shard);
        }
    }

    static void check(Plan plan, Point point, Shard shard) {
        if (plan != null && plan.failAt(point, shard)) {
            throw new InjectedFault(point, shard);
        }
    }
}
