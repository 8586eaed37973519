package io.heliosdb.scheduler;

import java.util.function.LongSupplier;

/**
 * How much a long task may do before it lets the rest of its shard's work in: some time on a
 * clock, or a count of work units (deterministic: what the simulation uses), whichever ends first.
 * A task calls {@link #spend} as it goes and stops its slice when {@link #spent}. One per task,
 * shard thread only.
 */
public final class SliceBudget {
    private final long sliceNanos;
    private final long sliceUnits;
    private final LongSupplier clock;
    private long sliceStart;
    private long units;

    private SliceBudget(long sliceNanos, long sliceUnits, LongSupplier clock) {
        if (sliceNanos <= 0 || sliceUnits <= 0) {
            throw new IllegalArgumentException("a slice needs a positive budget, got " + sliceNanos + " ns, " + sliceUnits + " units");
        }
        this.sliceNanos = sliceNanos;
        this.sliceUnits = sliceUnits;
        this.clock = clock;
    }

    /** A slice ends after {@code nanos} on {@code clock} (System::nanoTime on a real loop). */
    public static SliceBudget ofTime(long nanos, LongSupplier clock) {
        return new SliceBudget(nanos, Long.MAX_VALUE, clock);
    }

    /** A slice ends after {@code units} units of work, whatever the time. */
    public static SliceBudget ofUnits(long units) {
        return new SliceBudget(Long.MAX_VALUE, units, () -> 0);
    }

    /** A new slice starts now. */
    public void begin() {
        sliceStart = clock.getAsLong();
        units = 0;
    }

    /** Counts {@code n} units of work done in this slice. */
    public void spend(long n) {
        units += n;
    }

    /** The slice's time or units are used up. */
    public boolean spent() {
        return units >= sliceUnits || clock.getAsLong() - sliceStart > sliceNanos;
    }

    /** Units spent in the current slice. */
    public long unitsSpent() {
        return units;
    }
}
