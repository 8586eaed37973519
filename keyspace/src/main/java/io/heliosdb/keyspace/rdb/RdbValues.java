package io.heliosdb.keyspace.rdb;

import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.CollectionValue;
import io.heliosdb.keyspace.collection.HashValue;
import io.heliosdb.keyspace.collection.ListValue;
import io.heliosdb.keyspace.collection.SetValue;
import io.heliosdb.keyspace.collection.StreamValue;
import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.keyspace.collection.ZTree;
import io.heliosdb.keyspace.RedisDoubles;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Values in Redis' RDB object format (rdb.c), as DUMP/RESTORE carry them and as HeliosDB persists
 * collections. Writes the plain forms every Redis since 2.x loads (raw strings, RDB_TYPE_SET,
 * RDB_TYPE_HASH, RDB_TYPE_ZSET_2, quicklist-2 lists of listpack nodes); reads those plus the compact
 * forms Redis 7.0 writes (listpack hashes and sorted sets, intsets, LZF and integer strings).
 */
public final class RdbValues {
    public static final int TYPE_STRING = 0;
    public static final int TYPE_LIST = 1;
    public static final int TYPE_SET = 2;
    public static final int TYPE_ZSET = 3;
    public static final int TYPE_HASH = 4;
    public static final int TYPE_ZSET_2 = 5;
    public static final int TYPE_SET_INTSET = 11;
    public static final int TYPE_HASH_LISTPACK = 16;
    public static final int TYPE_ZSET_LISTPACK = 17;
    public static final int TYPE_LIST_QUICKLIST_2 = 18;
    public static final int TYPE_STREAM_LISTPACKS = 15;
    public static final int TYPE_STREAM_LISTPACKS_2 = 19;
    public static final int TYPE_STREAM_LISTPACKS_3 = 21;
    /** The longest string a payload may claim (Redis' proto-max-bulk-len default): no allocation beyond it. */
    static final long MAX_STRING = 512L * 1024 * 1024;
    /** RDB version of Redis 7.0, written in DUMP footers; payloads up to it are accepted. */
    public static final int RDB_VERSION = 10;

    private RdbValues() {}

    /** Thrown for a payload that does not decode. */
    public static final class BadFormat extends Exception {
        public BadFormat(String m) {
            super(m);
        }
    }

    /** A decoded value: a string's bytes or a collection, with its key type. */
    public record Decoded(byte type, byte[] string, CollectionValue collection) {}

    // ---- writing ------------------------------------------------------------------------------

    public static byte[] encodeString(byte[] s) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(s.length + 6);
        o.write(TYPE_STRING);
        writeString(o, s);
        return o.toByteArray();
    }

    public static byte[] encode(CollectionValue v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        switch (v) {
            case HashValue h -> {
                o.write(TYPE_HASH);
                writeLength(o, h.size());
                for (Map.Entry<ByteKey, byte[]> f : h.entries()) {
                    writeString(o, f.getKey().bytes);
                    writeString(o, f.getValue());
                }
            }
            case SetValue s -> {
                o.write(TYPE_SET);
                writeLength(o, s.size());
                for (ByteKey m : s.members()) {
                    writeString(o, m.bytes);
                }
            }
            case ZSetValue z -> {
                o.write(TYPE_ZSET_2);
                writeLength(o, z.size());
                // Highest first, as Redis writes a skiplist (so loading inserts at the head).
                for (ZTree.Node n = z.list().last(); n != null; n = n.previous()) {
                    writeString(o, n.member.bytes);
                    long bits = Double.doubleToRawLongBits(n.score);
                    for (int i = 0; i < 8; i++) {
                        o.write((int) (bits >>> (8 * i)));
                    }
                }
            }
            case ListValue l -> {
                o.write(TYPE_LIST_QUICKLIST_2);
                int perNode = 128;
                int nodes = (l.size() + perNode - 1) / perNode;
                writeLength(o, nodes);
                for (int n = 0; n < nodes; n++) {
                    writeLength(o, 2); // QUICKLIST_NODE_CONTAINER_PACKED
                    int from = n * perNode;
                    int to = Math.min(l.size(), from + perNode);
                    writeString(o, Listpack.encode(l, from, to));
                }
            }
            case StreamValue st -> RdbStreams.write(o, st);
            default -> throw new IllegalArgumentException("no RDB form for " + v.getClass());
        }
        return o.toByteArray();
    }

    /** An RDB length; the value is unsigned (stream IDs and counters use the whole 64 bits). */
    static void writeLength(ByteArrayOutputStream o, long len) {
        if (len < 0) {
            o.write(0x81);
            for (int i = 7; i >= 0; i--) {
                o.write((int) (len >>> (8 * i)));
            }
        } else if (len < 64) {
            o.write((int) len);
        } else if (len < 16384) {
            o.write((int) (0x40 | (len >> 8)));
            o.write((int) len);
        } else if (len <= 0xFFFFFFFFL) {
            o.write(0x80);
            for (int i = 3; i >= 0; i--) {
                o.write((int) (len >>> (8 * i)));
            }
        } else {
            o.write(0x81);
            for (int i = 7; i >= 0; i--) {
                o.write((int) (len >>> (8 * i)));
            }
        }
    }

    static void writeString(ByteArrayOutputStream o, byte[] s) {
        writeLength(o, s.length);
        o.write(s, 0, s.length);
    }

    /** RDB_OPCODE_FUNCTION2: one function library's code. */
    static final int OPCODE_FUNCTION2 = 245;

    /** FUNCTION DUMP's payload: each library as RDB_OPCODE_FUNCTION2 and its code, then version and CRC. */
    public static byte[] functionsPayload(List<byte[]> codes) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] c : codes) {
            o.write(OPCODE_FUNCTION2);
            writeString(o, c);
        }
        return dumpPayload(o.toByteArray());
    }

    /** The libraries' code in a FUNCTION DUMP payload, or null when it is damaged or of another version. */
    public static List<byte[]> functionCodes(byte[] payload) {
        int n = verifyPayload(payload);
        if (n < 0) {
            return null;
        }
        Reader r = new Reader(payload, 0, n);
        List<byte[]> codes = new ArrayList<>();
        try {
            while (r.pos < n) {
                if (r.u8() != OPCODE_FUNCTION2) {
                    return null;
                }
                codes.add(r.string());
            }
        } catch (BadFormat e) {
            return null;
        }
        return codes;
    }

    /** DUMP's payload: the value, the RDB version (2 bytes LE) and the CRC-64 of both (8 bytes LE). */
    public static byte[] dumpPayload(byte[] value) {
        byte[] p = Arrays.copyOf(value, value.length + 10);
        p[value.length] = (byte) RDB_VERSION;
        p[value.length + 1] = 0;
        long crc = Crc64.of(p, 0, value.length + 2);
        for (int i = 0; i < 8; i++) {
            p[value.length + 2 + i] = (byte) (crc >>> (8 * i));
        }
        return p;
    }

    /** Checks a DUMP footer; returns the value bytes' length, or -1 when version or checksum are wrong. */
    public static int verifyPayload(byte[] p) {
        if (p.length < 10) {
            return -1;
        }
        int n = p.length - 10;
        int version = (p[n] & 0xFF) | (p[n + 1] & 0xFF) << 8;
        if (version > RDB_VERSION) {
            return -1;
        }
        long crc = 0;
        for (int i = 0; i < 8; i++) {
            crc |= (p[n + 2 + i] & 0xFFL) << (8 * i);
        }
        return Crc64.of(p, 0, n + 2) == crc ? n : -1;
    }

    // ---- reading ------------------------------------------------------------------------------

    /** Decodes one value (type byte and body) occupying exactly {@code len} bytes. */
    public static Decoded decode(byte[] b, int off, int len) throws BadFormat {
        Reader r = new Reader(b, off, off + len);
        int type = r.u8();
        Decoded d = switch (type) {
            case TYPE_STRING -> new Decoded(ValueType.STRING, r.string(), null);
            case TYPE_STREAM_LISTPACKS, TYPE_STREAM_LISTPACKS_2, TYPE_STREAM_LISTPACKS_3 ->
                    new Decoded(ValueType.STREAM, null, RdbStreams.read(r, type));
            case TYPE_LIST -> {
                ListValue l = new ListValue();
                long n = r.length();
                for (long i = 0; i < n; i++) {
                    l.addLast(r.string());
                }
                yield new Decoded(ValueType.LIST, null, l);
            }
            case TYPE_SET -> {
                SetValue s = new SetValue();
                long n = r.length();
                for (long i = 0; i < n; i++) {
                    s.add(new ByteKey(r.string()));
                }
                yield new Decoded(ValueType.SET, null, s);
            }
            case TYPE_SET_INTSET -> new Decoded(ValueType.SET, null, Listpack.intset(r.string()));
            case TYPE_HASH -> {
                HashValue h = new HashValue();
                long n = r.length();
                for (long i = 0; i < n; i++) {
                    h.put(new ByteKey(r.string()), r.string());
                }
                yield new Decoded(ValueType.HASH, null, h);
            }
            case TYPE_HASH_LISTPACK -> {
                HashValue h = new HashValue();
                List<byte[]> items = Listpack.decode(r.string());
                if (items.size() % 2 != 0) {
                    throw new BadFormat("odd listpack hash");
                }
                for (int i = 0; i < items.size(); i += 2) {
                    h.put(new ByteKey(items.get(i)), items.get(i + 1));
                }
                yield new Decoded(ValueType.HASH, null, h);
            }
            case TYPE_ZSET, TYPE_ZSET_2 -> {
                ZSetValue z = new ZSetValue();
                long n = r.length();
                for (long i = 0; i < n; i++) {
                    ByteKey m = new ByteKey(r.string());
                    double s = type == TYPE_ZSET_2 ? r.binaryDouble() : r.textDouble();
                    if (Double.isNaN(s)) {
                        throw new BadFormat("NaN score");
                    }
                    z.put(m, s);
                }
                yield new Decoded(ValueType.ZSET, null, z);
            }
            case TYPE_ZSET_LISTPACK -> {
                ZSetValue z = new ZSetValue();
                List<byte[]> items = Listpack.decode(r.string());
                if (items.size() % 2 != 0) {
                    throw new BadFormat("odd listpack zset");
                }
                for (int i = 0; i < items.size(); i += 2) {
                    double s = RedisDoubles.parse(new String(items.get(i + 1), StandardCharsets.US_ASCII));
                    if (Double.isNaN(s)) {
                        throw new BadFormat("bad listpack score");
                    }
                    z.put(new ByteKey(items.get(i)), s);
                }
                yield new Decoded(ValueType.ZSET, null, z);
            }
            case TYPE_LIST_QUICKLIST_2 -> {
                ListValue l = new ListValue();
                long nodes = r.length();
                for (long i = 0; i < nodes; i++) {
                    long container = r.length();
                    byte[] blob = r.string();
                    if (container == 1) {
                        l.addLast(blob);
                    } else if (container == 2) {
                        for (byte[] item : Listpack.decode(blob)) {
                            l.addLast(item);
                        }
                    } else {
                        throw new BadFormat("quicklist container " + container);
                    }
                }
                yield new Decoded(ValueType.LIST, null, l);
            }
            default -> throw new BadFormat("unsupported RDB type " + type);
        };
        if (r.pos != r.end) {
            throw new BadFormat("trailing bytes");
        }
        if (d.collection != null && d.collection.size() == 0) {
            throw new BadFormat("empty collection");
        }
        return d;
    }

    /** Sets Redis' encoding flags a freshly loaded collection would have (default limits). */
    public static void chooseEncoding(CollectionValue v, long hashEntries, long hashValue, long setEntries, long zsetEntries, long zsetValue) {
        switch (v) {
            case HashValue h -> {
                boolean compact = h.size() <= hashEntries;
                for (Map.Entry<ByteKey, byte[]> f : h.entries()) {
                    compact &= f.getKey().bytes.length <= hashValue && f.getValue().length <= hashValue;
                }
                h.compact(compact);
            }
            case SetValue s -> s.intset(s.size() <= setEntries);
            case ZSetValue z -> {
                boolean compact = z.size() <= zsetEntries;
                for (ZTree.Node n = z.list().first(); n != null && compact; n = n.next()) {
                    compact = n.member.bytes.length <= zsetValue;
                }
                z.compact(compact);
            }
            default -> { }
        }
    }

    static final class Reader {
        final byte[] b;
        int pos;
        final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        int u8() throws BadFormat {
            if (pos >= end) {
                throw new BadFormat("truncated");
            }
            return b[pos++] & 0xFF;
        }

        private boolean unsignedOk;

        /** A length read as an unsigned 64-bit value (stream IDs and counters). */
        long unsigned() throws BadFormat {
            if (pos < end && ((b[pos] & 0xFF) >> 6) == 3) {
                throw new BadFormat("encoded length");
            }
            unsignedOk = true;
            try {
                return rawLength();
            } finally {
                unsignedOk = false;
            }
        }

        /** A length; special encodings (strings as integers / LZF) are reported as negative -1-kind. */
        long rawLength() throws BadFormat {
            int first = u8();
            int kind = first >> 6;
            switch (kind) {
                case 0:
                    return first & 0x3F;
                case 1:
                    return ((first & 0x3F) << 8) | u8();
                case 2:
                    if (first == 0x80) {
                        long v = 0;
                        for (int i = 0; i < 4; i++) {
                            v = (v << 8) | u8();
                        }
                        return v;
                    }
                    if (first == 0x81) {
                        long v = 0;
                        for (int i = 0; i < 8; i++) {
                            v = (v << 8) | u8();
                        }
                        if (v < 0 && !unsignedOk) {
                            throw new BadFormat("length");
                        }
                        return v;
                    }
                    throw new BadFormat("length encoding " + first);
                default:
                    return -1 - (first & 0x3F);
            }
        }

        long length() throws BadFormat {
            long n = rawLength();
            if (n < 0) {
                throw new BadFormat("encoded length");
            }
            return n;
        }

        byte[] bytes(long n) throws BadFormat {
            if (n < 0 || n > end - pos) {
                throw new BadFormat("truncated");
            }
            byte[] r = Arrays.copyOfRange(b, pos, pos + (int) n);
            pos += (int) n;
            return r;
        }

        byte[] string() throws BadFormat {
            long n = rawLength();
            if (n >= 0) {
                return bytes(n);
            }
            int kind = (int) (-1 - n);
            switch (kind) {
                case 0:
                    return Long.toString((byte) u8()).getBytes(StandardCharsets.US_ASCII);
                case 1: {
                    int v = u8() | u8() << 8;
                    return Long.toString((short) v).getBytes(StandardCharsets.US_ASCII);
                }
                case 2: {
                    int v = u8() | u8() << 8 | u8() << 16 | u8() << 24;
                    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
                }
                case 3: {
                    long clen = length();
                    long len = length();
                    if (len > MAX_STRING || clen > end - pos) {
                        throw new BadFormat("LZF lengths");
                    }
                    return Lzf.decompress(bytes(clen), (int) len);
                }
                default:
                    throw new BadFormat("string encoding " + kind);
            }
        }

        double binaryDouble() throws BadFormat {
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits |= (long) u8() << (8 * i);
            }
            return Double.longBitsToDouble(bits);
        }

        double textDouble() throws BadFormat {
            int n = u8();
            return switch (n) {
                case 253 -> Double.NaN;
                case 254 -> Double.POSITIVE_INFINITY;
                case 255 -> Double.NEGATIVE_INFINITY;
                default -> RedisDoubles.parse(new String(bytes(n), StandardCharsets.US_ASCII));
            };
        }
    }
}
