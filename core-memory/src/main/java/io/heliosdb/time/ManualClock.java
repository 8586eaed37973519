package io.heliosdb.time;

/** A clock that moves only when told to (tests). */
public final class ManualClock implements Clock {
    private volatile long now;

    public ManualClock(long start) {
        this.now = start;
    }

    @Override
    public long millis() {
        return now;
    }

    public void advance(long ms) {
        now += ms;
    }
}
