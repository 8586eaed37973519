package io.heliosdb.resp.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis' latency monitor (latency.c): per event ("command", "fast-command", ...), the last 160
 * seconds that had a spike at or above latency-monitor-threshold, one sample per second (the
 * worst), and the all-time worst. Samples come from every shard thread; spikes are rare, so one
 * monitor with a lock is enough. Any thread.
 */
public final class LatencyMonitor {
    /** Redis' LATENCY_TS_LEN. */
    public static final int SAMPLES = 160;

    /** One event's ring of per-second samples. */
    public static final class Series {
        public final long[] time = new long[SAMPLES]; // unix seconds, 0 = empty
        public final long[] latency = new long[SAMPLES]; // milliseconds
        int idx;
        public long max;

        /** Index of the newest sample. */
        int last() {
            return (idx + SAMPLES - 1) % SAMPLES;
        }
    }

    private final Map<String, Series> events = new LinkedHashMap<>();

    /** latencyAddSample: {@code ms} for {@code event} at {@code nowSeconds}. */
    public synchronized void add(String event, long ms, long nowSeconds) {
        Series s = events.computeIfAbsent(event, e -> new Series());
        if (ms > s.max) {
            s.max = ms;
        }
        int prev = s.last();
        if (s.time[prev] == nowSeconds) {
            if (ms > s.latency[prev]) {
                s.latency[prev] = ms;
            }
            return;
        }
        s.time[s.idx] = nowSeconds;
        s.latency[s.idx] = ms;
        s.idx = (s.idx + 1) % SAMPLES;
    }

    /** latencyResetEvent: forgets {@code event} (any case), or every event when null; returns how many. */
    public synchronized int reset(String event) {
        if (event == null) {
            int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (var it = events.keySet().iterator(); it.hasNext(); ) {
            if (it.next().equalsIgnoreCase(event)) {
                it.remove();
                n++;
            }
        }
        return n;
    }

    /** LATENCY LATEST's rows: event, time of the newest sample, its latency, the all-time worst. */
    public synchronized List<Object[]> latest() {
        List<Object[]> rows = new ArrayList<>();
        events.forEach((name, s) -> rows.add(new Object[]{name, s.time[s.last()], s.latency[s.last()], s.max}));
        return rows;
    }

    /** LATENCY HISTORY's pairs (time, latency), oldest first; null for an unknown event. */
    public synchronized List<long[]> history(String event) {
        Series s = events.get(event);
        if (s == null) {
            return null;
        }
        List<long[]> out = new ArrayList<>();
        for (int j = 0; j < SAMPLES; j++) {
            int i = (s.idx + j) % SAMPLES;
            if (s.time[i] != 0) {
                out.add(new long[]{s.time[i], s.latency[i]});
            }
        }
        return out;
    }

    /** The all-time worst of an event (it exists: {@link #history} returned samples). */
    public synchronized long max(String event) {
        Series s = events.get(event);
        return s == null ? 0 : s.max;
    }

    /** Events and a copy of their samples, for the doctor. */
    public synchronized Map<String, Series> snapshot() {
        Map<String, Series> copy = new LinkedHashMap<>();
        events.forEach((k, v) -> {
            Series s = new Series();
            System.arraycopy(v.time, 0, s.time, 0, SAMPLES);
            System.arraycopy(v.latency, 0, s.latency, 0, SAMPLES);
            s.idx = v.idx;
            s.max = v.max;
            copy.put(k, s);
        });
        return copy;
    }
}
