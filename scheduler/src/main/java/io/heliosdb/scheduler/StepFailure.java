package io.heliosdb.scheduler;

/**
 * The result of a step that did not produce its result, as a value: its {@link #status} and, for
 * a bug, the internal error's {@link #id}. Steps never let an exception escape to the coordinator;
 * this arrives instead. It is a RuntimeException only so that callers can tell a failed result
 * from any other by its type; it carries no text (no stack either): the protocol edge words it.
 */
public final class StepFailure extends RuntimeException {
    private static final StepFailure NOT_DURABLE = new StepFailure(StepStatus.NOT_DURABLE, 0);

    private final StepStatus status;
    private final long id;

    private StepFailure(StepStatus status, long id) {
        super(null, null, false, false);
        this.status = status;
        this.id = id;
    }

    static StepFailure internal(long id) {
        return new StepFailure(StepStatus.INTERNAL, id);
    }

    static StepFailure notDurable() {
        return NOT_DURABLE;
    }

    public StepStatus status() {
        return status;
    }

    /** The internal error's id (see {@link InternalErrors}), or 0 when the change was not durable. */
    public long id() {
        return id;
    }

    public boolean isNotDurable() {
        return status == StepStatus.NOT_DURABLE;
    }

    @Override
    public String toString() {
        return "StepFailure(" + status + (status == StepStatus.INTERNAL ? " " + id : "") + ")";
    }
}
