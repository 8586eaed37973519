package io.heliosdb.scheduler;

/**
 * The result of a step that did not produce its result: either its changes could not be logged (so
 * the reply must not acknowledge them), or it failed with a bug, reported under {@link #id}. Steps
 * never let an exception escape to the coordinator; this value is what arrives instead.
 */
public final class StepFailure extends RuntimeException {
    private final long id;

    private StepFailure(long id, String message) {
        super(message, null, false, false);
        this.id = id;
    }

    static StepFailure internal(long id) {
        return new StepFailure(id, "internal error " + id);
    }

    static StepFailure notDurable() {
        return new StepFailure(0, "not durable");
    }

    /** The internal error's id (see {@link InternalErrors}), or 0 when the change was not durable. */
    public long id() {
        return id;
    }

    public boolean isNotDurable() {
        return id == 0;
    }
}
