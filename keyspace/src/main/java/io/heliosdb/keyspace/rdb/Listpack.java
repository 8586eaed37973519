package io.heliosdb.keyspace.rdb;

import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.ListValue;
import io.heliosdb.keyspace.collection.SetValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Redis' listpack and intset blobs, as they appear inside RDB values. */
final class Listpack {
    private Listpack() {}

    static List<byte[]> decode(byte[] lp) throws RdbValues.BadFormat {
        if (lp.length < 7) {
            throw new RdbValues.BadFormat("listpack too short");
        }
        long total = (lp[0] & 0xFFL) | (lp[1] & 0xFFL) << 8 | (lp[2] & 0xFFL) << 16 | (lp[3] & 0xFFL) << 24;
        if (total != lp.length || (lp[lp.length - 1] & 0xFF) != 0xFF) {
            throw new RdbValues.BadFormat("listpack header");
        }
        List<byte[]> out = new ArrayList<>();
        int p = 6;
        while (true) {
            if (p >= lp.length) {
                throw new RdbValues.BadFormat("listpack overrun");
            }
            int b = lp[p] & 0xFF;
            if (b == 0xFF) {
                break;
            }
            int start = p;
            byte[] item;
            if ((b & 0x80) == 0) {
                item = dec(b & 0x7F);
                p += 1;
            } else if ((b & 0xC0) == 0x80) {
                int len = b & 0x3F;
                item = slice(lp, p + 1, len);
                p += 1 + len;
            } else if ((b & 0xE0) == 0xC0) {
                int v = ((b & 0x1F) << 8) | (at(lp, p + 1));
                if (v >= 1 << 12) {
                    v -= 1 << 13;
                }
                item = dec(v);
                p += 2;
            } else if ((b & 0xF0) == 0xE0) {
                int len = ((b & 0x0F) << 8) | at(lp, p + 1);
                item = slice(lp, p + 2, len);
                p += 2 + len;
            } else if (b == 0xF0) {
                int len = at(lp, p + 1) | at(lp, p + 2) << 8 | at(lp, p + 3) << 16 | at(lp, p + 4) << 24;
                item = slice(lp, p + 5, len);
                p += 5 + len;
            } else if (b >= 0xF1 && b <= 0xF4) {
                int n = switch (b) {
                    case 0xF1 -> 2;
                    case 0xF2 -> 3;
                    case 0xF3 -> 4;
                    default -> 8;
                };
                long v = 0;
                for (int i = 0; i < n; i++) {
                    v |= (long) at(lp, p + 1 + i) << (8 * i);
                }
                if (n < 8) {
                    long sign = 1L << (8 * n - 1);
                    if ((v & sign) != 0) {
                        v -= sign << 1;
                    }
                }
                item = dec(v);
                p += 1 + n;
            } else {
                throw new RdbValues.BadFormat("listpack encoding " + b);
            }
            p += backlenSize(p - start);
            out.add(item);
        }
        return out;
    }

    private static int at(byte[] b, int i) throws RdbValues.BadFormat {
        if (i >= b.length) {
            throw new RdbValues.BadFormat("listpack overrun");
        }
        return b[i] & 0xFF;
    }

    private static byte[] slice(byte[] b, int from, int len) throws RdbValues.BadFormat {
        if (len < 0 || from + len > b.length) {
            throw new RdbValues.BadFormat("listpack overrun");
        }
        return Arrays.copyOfRange(b, from, from + len);
    }

    private static byte[] dec(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    static int backlenSize(int l) {
        if (l <= 127) {
            return 1;
        } else if (l < 16383) {
            return 2;
        } else if (l < 2097151) {
            return 3;
        } else if (l < 268435455) {
            return 4;
        }
        return 5;
    }

    /** A listpack of elements [from, to) of a list, every element string-encoded. */
    static byte[] encode(ListValue l, int from, int to) {
        List<byte[]> items = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            items.add(l.get(i));
        }
        return encode(items);
    }

    /** A listpack of the given elements, every element string-encoded. */
    static byte[] encode(List<byte[]> items) {
        int from = 0;
        int to = items.size();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int i = 0; i < 6; i++) {
            o.write(0);
        }
        for (int i = from; i < to; i++) {
            byte[] s = items.get(i);
            int entry;
            if (s.length < 64) {
                o.write(0x80 | s.length);
                entry = 1 + s.length;
            } else if (s.length < 4096) {
                o.write(0xE0 | (s.length >> 8));
                o.write(s.length & 0xFF);
                entry = 2 + s.length;
            } else {
                o.write(0xF0);
                for (int k = 0; k < 4; k++) {
                    o.write(s.length >>> (8 * k));
                }
                entry = 5 + s.length;
            }
            o.write(s, 0, s.length);
            writeBacklen(o, entry);
        }
        o.write(0xFF);
        byte[] r = o.toByteArray();
        int total = r.length;
        r[0] = (byte) total;
        r[1] = (byte) (total >>> 8);
        r[2] = (byte) (total >>> 16);
        r[3] = (byte) (total >>> 24);
        int n = to - from;
        int count = n < 65535 ? n : 65535;
        r[4] = (byte) count;
        r[5] = (byte) (count >>> 8);
        return r;
    }

    /** Redis' lpEncodeBacklen: 7 bits per byte, most significant byte first in memory order reversed. */
    private static void writeBacklen(ByteArrayOutputStream o, long l) {
        if (l <= 127) {
            o.write((int) l);
        } else if (l < 16383) {
            o.write((int) (l >> 7));
            o.write((int) ((l & 127) | 128));
        } else if (l < 2097151) {
            o.write((int) (l >> 14));
            o.write((int) (((l >> 7) & 127) | 128));
            o.write((int) ((l & 127) | 128));
        } else if (l < 268435455) {
            o.write((int) (l >> 21));
            o.write((int) (((l >> 14) & 127) | 128));
            o.write((int) (((l >> 7) & 127) | 128));
            o.write((int) ((l & 127) | 128));
        } else {
            o.write((int) (l >> 28));
            o.write((int) (((l >> 21) & 127) | 128));
            o.write((int) (((l >> 14) & 127) | 128));
            o.write((int) (((l >> 7) & 127) | 128));
            o.write((int) ((l & 127) | 128));
        }
    }

    static SetValue intset(byte[] is) throws RdbValues.BadFormat {
        if (is.length < 8) {
            throw new RdbValues.BadFormat("intset too short");
        }
        int enc = (is[0] & 0xFF) | (is[1] & 0xFF) << 8 | (is[2] & 0xFF) << 16 | (is[3] & 0xFF) << 24;
        long len = (is[4] & 0xFFL) | (is[5] & 0xFFL) << 8 | (is[6] & 0xFFL) << 16 | (is[7] & 0xFFL) << 24;
        if ((enc != 2 && enc != 4 && enc != 8) || 8 + len * enc != is.length) {
            throw new RdbValues.BadFormat("intset header");
        }
        SetValue s = new SetValue();
        for (int i = 0; i < len; i++) {
            long v = 0;
            for (int k = 0; k < enc; k++) {
                v |= (is[8 + i * enc + k] & 0xFFL) << (8 * k);
            }
            if (enc < 8) {
                long sign = 1L << (8 * enc - 1);
                if ((v & sign) != 0) {
                    v -= sign << 1;
                }
            }
            s.add(new ByteKey(dec(v)));
        }
        return s;
    }
}
