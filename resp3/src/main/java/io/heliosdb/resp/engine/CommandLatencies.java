package io.heliosdb.resp.engine;

import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * Per-command latency histograms of one shard (Redis' latency-tracking): nanoseconds from 1 ns to
 * 1 s at 2 significant digits, the same buckets as Redis' hdr_histogram, created on a command's
 * first call. Recording allocates nothing. Owned by the shard's thread; readers take copies there.
 */
public final class CommandLatencies {
    /** Redis' LATENCY_HISTOGRAM_MIN_VALUE, _MAX_VALUE (ns) and _PRECISION. */
    public static final long MIN = 1, MAX = 1_000_000_000L;
    public static final int PRECISION = 2;

    private final Histogram[] byCommand;

    CommandLatencies(int commands) {
        byCommand = new Histogram[commands];
    }

    /** updateCommandLatencyHistogram: a call of {@code micros}, clamped into the histogram's range. */
    public void record(int command, long micros) {
        Histogram h = byCommand[command];
        if (h == null) {
            h = byCommand[command] = newHistogram();
        }
        h.recordValue(Math.max(MIN, Math.min(MAX, micros * 1000)));
    }

    /** Copies of the histograms that have data (null where none), for merging off this thread. */
    public Histogram[] copies() {
        Histogram[] out = new Histogram[byCommand.length];
        for (int i = 0; i < out.length; i++) {
            if (byCommand[i] != null && byCommand[i].getTotalCount() > 0) {
                out[i] = byCommand[i].copy();
            }
        }
        return out;
    }

    public void reset() {
        Arrays.fill(byCommand, null);
    }

    public static Histogram newHistogram() {
        return new Histogram(MIN, MAX, PRECISION);
    }

    /** hdr_value_at_percentile as Redis' C library computes it (its rounding of the count differs from Java's). */
    public static long valueAtPercentile(Histogram h, double percentile) {
        double p = Math.min(percentile, 100.0);
        long count = Math.max(1, (long) ((p / 100) * h.getTotalCount() + 0.5));
        long seen = 0;
        for (var v : h.recordedValues()) {
            seen += v.getCountAtValueIteratedTo();
            if (seen >= count) {
                long value = v.getValueIteratedTo();
                return percentile == 0.0 ? h.lowestEquivalentValue(value) : h.highestEquivalentValue(value);
            }
        }
        return 0;
    }
}
