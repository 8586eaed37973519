package io.heliosdb.keyspace.rdb;

import io.heliosdb.keyspace.collection.StreamValue;
import io.heliosdb.keyspace.collection.StreamValue.Consumer;
import io.heliosdb.keyspace.collection.StreamValue.Group;
import io.heliosdb.keyspace.collection.StreamValue.Id;
import io.heliosdb.keyspace.collection.StreamValue.Pending;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams in Redis 7.0's RDB form (RDB_TYPE_STREAM_LISTPACKS_2): listpack nodes of up to 100
 * entries (a master entry, then each entry's flags, ID deltas, fields and values), the stream's
 * counters, and its consumer groups with their pending entries and consumers. Reads the 6.x and
 * 7.2 forms too (types 15 and 21).
 */
final class RdbStreams {
    private static final int NODE_ENTRIES = 100;

    private RdbStreams() {}

    static void write(ByteArrayOutputStream o, StreamValue s) {
        o.write(RdbValues.TYPE_STREAM_LISTPACKS_2);
        List<Integer> live = new ArrayList<>();
        for (int i = s.first(); i < s.end(); i++) {
            if (s.liveAt(i)) {
                live.add(i);
            }
        }
        int nodes = (live.size() + NODE_ENTRIES - 1) / NODE_ENTRIES;
        RdbValues.writeLength(o, nodes);
        for (int n = 0; n < nodes; n++) {
            List<Integer> node = live.subList(n * NODE_ENTRIES, Math.min(live.size(), (n + 1) * NODE_ENTRIES));
            Id master = s.idAt(node.get(0));
            RdbValues.writeString(o, master.bytes());
            RdbValues.writeString(o, nodeListpack(s, node, master));
        }
        RdbValues.writeLength(o, s.size());
        RdbValues.writeLength(o, s.lastId.ms());
        RdbValues.writeLength(o, s.lastId.seq());
        Id first = s.firstId() == null ? Id.MIN : s.firstId();
        RdbValues.writeLength(o, first.ms());
        RdbValues.writeLength(o, first.seq());
        RdbValues.writeLength(o, s.maxDeletedId.ms());
        RdbValues.writeLength(o, s.maxDeletedId.seq());
        RdbValues.writeLength(o, s.entriesAdded);
        RdbValues.writeLength(o, s.groups.size());
        for (Group g : s.groups.values()) {
            RdbValues.writeString(o, g.name);
            RdbValues.writeLength(o, g.lastId.ms());
            RdbValues.writeLength(o, g.lastId.seq());
            RdbValues.writeLength(o, g.entriesRead);
            RdbValues.writeLength(o, g.pending.size());
            for (Map.Entry<Id, Pending> p : g.pending.entrySet()) {
                o.writeBytes(p.getKey().bytes());
                writeMillis(o, p.getValue().deliveryTime);
                RdbValues.writeLength(o, p.getValue().deliveryCount);
            }
            RdbValues.writeLength(o, g.consumers.size());
            for (Consumer c : g.consumers.values()) {
                RdbValues.writeString(o, c.name);
                writeMillis(o, c.seenTime);
                RdbValues.writeLength(o, c.pending.size());
                for (Id id : c.pending.keySet()) {
                    o.writeBytes(id.bytes());
                }
            }
        }
    }

    /** One node: master entry (count, deleted, master fields, 0), then each entry with its own fields. */
    private static byte[] nodeListpack(StreamValue s, List<Integer> node, Id master) {
        List<byte[]> items = new ArrayList<>();
        byte[][] first = s.fieldsAt(node.get(0));
        items.add(num(node.size()));
        items.add(num(0));
        items.add(num(first.length / 2));
        for (int f = 0; f < first.length; f += 2) {
            items.add(first[f]);
        }
        items.add(num(0));
        for (int i : node) {
            Id id = s.idAt(i);
            byte[][] fv = s.fieldsAt(i);
            items.add(num(0)); // flags: none (fields written out, not shared with the master entry)
            items.add(num(id.ms() - master.ms()));
            items.add(num(id.seq() - master.seq()));
            items.add(num(fv.length / 2));
            for (byte[] b : fv) {
                items.add(b);
            }
            items.add(num(4 + fv.length)); // lp-count: this entry's elements before it
        }
        return Listpack.encode(items);
    }

    private static byte[] num(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static void writeMillis(ByteArrayOutputStream o, long t) {
        for (int i = 0; i < 8; i++) {
            o.write((int) (t >>> (8 * i)));
        }
    }

    static StreamValue read(RdbValues.Reader r, int type) throws RdbValues.BadFormat {
        StreamValue s = new StreamValue();
        long nodes = r.length();
        Id last = Id.MIN;
        for (long n = 0; n < nodes; n++) {
            byte[] key = r.string();
            if (key.length != 16) {
                throw new RdbValues.BadFormat("stream node key");
            }
            Id master = Id.of(key, 0);
            List<byte[]> lp = Listpack.decode(r.string());
            int p = 0;
            long count = num(lp, p++);
            long deleted = num(lp, p++);
            int masterFields = (int) num(lp, p++);
            byte[][] fieldNames = new byte[masterFields][];
            for (int f = 0; f < masterFields; f++) {
                fieldNames[f] = get(lp, p++);
            }
            p++; // the master entry's terminating 0
            for (long e = 0; e < count + deleted; e++) {
                int flags = (int) num(lp, p++);
                Id id = new Id(master.ms() + num(lp, p++), master.seq() + num(lp, p++));
                byte[][] fv;
                if ((flags & 2) != 0) { // SAMEFIELDS
                    fv = new byte[masterFields * 2][];
                    for (int f = 0; f < masterFields; f++) {
                        fv[2 * f] = fieldNames[f];
                        fv[2 * f + 1] = get(lp, p++);
                    }
                } else {
                    int nf = (int) num(lp, p++);
                    fv = new byte[nf * 2][];
                    for (int f = 0; f < nf * 2; f++) {
                        fv[f] = get(lp, p++);
                    }
                }
                p++; // lp-count
                if ((flags & 1) == 0) {
                    if (id.compareTo(last) <= 0 && !(last.equals(Id.MIN) && s.size() == 0)) {
                        throw new RdbValues.BadFormat("stream IDs out of order");
                    }
                    s.loadEntry(id, fv);
                    last = id;
                }
            }
        }
        r.length(); // length: the entries counted above
        s.lastId = new Id(r.unsigned(), r.unsigned());
        if (type >= RdbValues.TYPE_STREAM_LISTPACKS_2) {
            r.unsigned(); // first id: recomputed from the entries
            r.unsigned();
            s.maxDeletedId = new Id(r.unsigned(), r.unsigned());
            s.entriesAdded = r.unsigned();
        } else {
            s.entriesAdded = s.size();
        }
        long groups = r.length();
        for (long g = 0; g < groups; g++) {
            byte[] name = r.string();
            Id gid = new Id(r.unsigned(), r.unsigned());
            // Redis 6.2 kept no entries_read: 7.0 estimates it from the stream, as on XGROUP SETID
            long entriesRead = type >= RdbValues.TYPE_STREAM_LISTPACKS_2 ? r.unsigned() : s.estimateEntriesRead(gid);
            Group group = s.loadGroup(name, gid, entriesRead);
            long pel = r.length();
            Map<Id, Pending> byId = new HashMap<>();
            List<Object[]> unowned = new ArrayList<>();
            for (long i = 0; i < pel; i++) {
                Id id = Id.of(r.bytes(16), 0);
                long time = millis(r);
                long count = r.length();
                unowned.add(new Object[]{id, time, count});
            }
            long consumers = r.length();
            for (long c = 0; c < consumers; c++) {
                byte[] cname = r.string();
                long seen = millis(r);
                Consumer consumer = group.createConsumer(cname, seen);
                if (type >= RdbValues.TYPE_STREAM_LISTPACKS_3) {
                    consumer.activeTime = millis(r);
                }
                long owned = r.length();
                for (long i = 0; i < owned; i++) {
                    Id id = Id.of(r.bytes(16), 0);
                    for (Object[] u : unowned) {
                        if (u[0].equals(id)) {
                            Pending pe = StreamValue.newPending(consumer, (Long) u[1], (Long) u[2]);
                            group.pending.put(id, pe);
                            consumer.pending.put(id, pe);
                            byId.put(id, pe);
                            break;
                        }
                    }
                }
            }
            if (byId.size() != unowned.size()) {
                throw new RdbValues.BadFormat("stream PEL entry without a consumer");
            }
        }
        return s;
    }

    private static long millis(RdbValues.Reader r) throws RdbValues.BadFormat {
        byte[] b = r.bytes(8);
        long t = 0;
        for (int i = 7; i >= 0; i--) {
            t = (t << 8) | (b[i] & 0xFF);
        }
        return t;
    }

    private static byte[] get(List<byte[]> lp, int i) throws RdbValues.BadFormat {
        if (i >= lp.size()) {
            throw new RdbValues.BadFormat("stream listpack truncated");
        }
        return lp.get(i);
    }

    private static long num(List<byte[]> lp, int i) throws RdbValues.BadFormat {
        try {
            return Long.parseLong(new String(get(lp, i), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new RdbValues.BadFormat("stream listpack number");
        }
    }
}
