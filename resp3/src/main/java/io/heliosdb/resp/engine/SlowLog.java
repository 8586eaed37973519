package io.heliosdb.resp.engine;

import io.heliosdb.resp.codec.Args;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** SLOWLOG: the last N commands that ran longer than slowlog-log-slower-than µs. Thread-safe. */
public final class SlowLog {
    public record Entry(long id, long timestampSeconds, long micros, List<byte[]> args, String addr, String name) {}

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    public synchronized void add(Args args, long micros, String addr, String name, long nowMillis, int maxLen) {
        if (maxLen <= 0) {
            return;
        }
        // Like Redis: at most 32 arguments, each cut to 128 bytes, with a note of what was left out.
        List<byte[]> kept = new ArrayList<>();
        int n = Math.min(args.count(), 32);
        for (int i = 0; i < n; i++) {
            if (i == 31 && args.count() > 32) {
                kept.add(("... (" + (args.count() - 31) + " more arguments)").getBytes());
                break;
            }
            byte[] b = args.bytes(i);
            if (b.length > 128) {
                byte[] cut = new byte[128];
                System.arraycopy(b, 0, cut, 0, 128);
                String more = "... (" + (b.length - 128) + " more bytes)";
                byte[] withNote = new byte[128 + more.length()];
                System.arraycopy(cut, 0, withNote, 0, 128);
                System.arraycopy(more.getBytes(), 0, withNote, 128, more.length());
                b = withNote;
            }
            kept.add(b);
        }
        entries.addFirst(new Entry(nextId++, nowMillis / 1000, micros, kept, addr, name));
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    public synchronized List<Entry> latest(int count) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (count >= 0 && out.size() >= count) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized void reset() {
        entries.clear();
    }
}
