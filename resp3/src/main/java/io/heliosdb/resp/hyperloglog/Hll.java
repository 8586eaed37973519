package io.heliosdb.resp.hyperloglog;

import java.io.ByteArrayOutputStream;

/**
 * Redis' HyperLogLog, byte for byte (hyperloglog.c): "HYLL" header, sparse or dense encoding of
 * 16384 six-bit registers, MurmurHash64A, the cached cardinality, and Ertl's estimator. Works on a
 * register array; {@link #encode} writes the sparse form while it fits, as Redis does.
 */
final class Hll {
    static final int P = 14;
    static final int REGISTERS = 1 << P;
    static final int Q = 64 - P;
    static final int HEADER = 16;
    static final int DENSE_SIZE = HEADER + (REGISTERS * 6 + 7) / 8;
    static final int DENSE = 0;
    static final int SPARSE = 1;
    static final int SPARSE_MAX_VALUE = 32;
    private static final double ALPHA_INF = 0.721347520444481703680;

    /** Thrown for a string that is not a HyperLogLog. */
    static final class NotHll extends Exception {
        final boolean corrupted;

        NotHll(boolean corrupted) {
            super(null, null, false, false);
            this.corrupted = corrupted;
        }
    }

    private Hll() {}

    /** Registers of a stored HLL; checks the header like Redis' isHLLObjectOrReply. */
    static byte[] registers(byte[] s) throws NotHll {
        if (s.length < HEADER || s[0] != 'H' || s[1] != 'Y' || s[2] != 'L' || s[3] != 'L' || (s[4] != DENSE && s[4] != SPARSE)) {
            throw new NotHll(false);
        }
        byte[] r = new byte[REGISTERS];
        if (s[4] == DENSE) {
            if (s.length != DENSE_SIZE) {
                throw new NotHll(false);
            }
            for (int i = 0; i < REGISTERS; i++) {
                r[i] = (byte) denseGet(s, i);
            }
            return r;
        }
        int idx = 0;
        int p = HEADER;
        while (p < s.length) {
            int op = s[p] & 0xFF;
            int len;
            int value = 0;
            if ((op & 0xC0) == 0) { // ZERO
                len = (op & 0x3F) + 1;
                p++;
            } else if ((op & 0xC0) == 0x40) { // XZERO
                if (p + 1 >= s.length) {
                    throw new NotHll(true);
                }
                len = (((op & 0x3F) << 8) | (s[p + 1] & 0xFF)) + 1;
                p += 2;
            } else { // VAL
                value = ((op >> 2) & 0x1F) + 1;
                len = (op & 0x3) + 1;
                p++;
            }
            if (idx + len > REGISTERS) {
                throw new NotHll(true);
            }
            for (int i = 0; i < len; i++) {
                r[idx++] = (byte) value;
            }
        }
        if (idx != REGISTERS) {
            throw new NotHll(true);
        }
        return r;
    }

    static boolean isDense(byte[] s) {
        return s[4] == DENSE;
    }

    static int denseGet(byte[] s, int reg) {
        int bit = reg * 6;
        int b = HEADER + bit / 8;
        int fb = bit & 7;
        int b0 = s[b] & 0xFF;
        int b1 = b + 1 < s.length ? s[b + 1] & 0xFF : 0;
        return ((b0 >> fb) | (b1 << (8 - fb))) & 63;
    }

    static void denseSet(byte[] s, int reg, int val) {
        int bit = reg * 6;
        int b = HEADER + bit / 8;
        int fb = bit & 7;
        int fb8 = 8 - fb;
        s[b] = (byte) ((s[b] & ~(63 << fb)) | (val << fb));
        if (b + 1 < s.length) {
            s[b + 1] = (byte) ((s[b + 1] & ~(63 >> fb8)) | (val >> fb8));
        }
    }

    /** A new empty HLL as PFADD creates it: sparse, one XZERO covering every register. */
    static byte[] empty() {
        byte[] s = new byte[HEADER + 2];
        header(s, SPARSE);
        int len = REGISTERS - 1;
        s[HEADER] = (byte) (0x40 | (len >> 8));
        s[HEADER + 1] = (byte) len;
        return s;
    }

    private static void header(byte[] s, int encoding) {
        s[0] = 'H';
        s[1] = 'Y';
        s[2] = 'L';
        s[3] = 'L';
        s[4] = (byte) encoding;
    }

    /**
     * Writes registers in the encoding Redis would hold: sparse (canonical run-lengths) while every
     * register fits in a VAL opcode and the string stays within {@code sparseMaxBytes}, else dense.
     * The header's cache bytes are copied from {@code cacheFrom} (or invalid when null).
     */
    static byte[] encode(byte[] r, boolean dense, long sparseMaxBytes, byte[] cacheFrom) {
        byte[] out = dense ? null : sparse(r, sparseMaxBytes);
        if (out == null) {
            out = new byte[DENSE_SIZE];
            header(out, DENSE);
            for (int i = 0; i < REGISTERS; i++) {
                if (r[i] != 0) {
                    denseSet(out, i, r[i]);
                }
            }
        }
        if (cacheFrom != null) {
            System.arraycopy(cacheFrom, 8, out, 8, 8);
        } else {
            out[15] = (byte) 0x80; // cached cardinality invalid
        }
        return out;
    }

    private static byte[] sparse(byte[] r, long maxBytes) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[HEADER]);
        int i = 0;
        while (i < REGISTERS) {
            int v = r[i];
            int run = 1;
            while (i + run < REGISTERS && r[i + run] == v) {
                run++;
            }
            if (v == 0) {
                int left = run;
                while (left > 0) {
                    int n = Math.min(left, 16384);
                    if (n <= 64) {
                        o.write(n - 1);
                    } else {
                        o.write(0x40 | ((n - 1) >> 8));
                        o.write((n - 1) & 0xFF);
                    }
                    left -= n;
                }
            } else {
                if (v > SPARSE_MAX_VALUE) {
                    return null;
                }
                int left = run;
                while (left > 0) {
                    int n = Math.min(left, 4);
                    o.write(0x80 | ((v - 1) << 2) | (n - 1));
                    left -= n;
                }
            }
            i += run;
        }
        if (o.size() > maxBytes) {
            return null;
        }
        byte[] s = o.toByteArray();
        header(s, SPARSE);
        return s;
    }

    /** Adds one element; true when a register grew. */
    static boolean add(byte[] r, byte[] element) {
        long hash = murmur64a(element, 0xadc83b19L);
        int index = (int) (hash & (REGISTERS - 1));
        hash >>>= P;
        hash |= 1L << Q;
        int count = 1;
        long bit = 1;
        while ((hash & bit) == 0) {
            count++;
            bit <<= 1;
        }
        if (count > r[index]) {
            r[index] = (byte) count;
            return true;
        }
        return false;
    }

    /** The cached cardinality, or -1 when invalid. */
    static long cached(byte[] s) {
        if ((s[15] & 0x80) != 0) {
            return -1;
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (s[8 + i] & 0xFF);
        }
        return v;
    }

    static void cache(byte[] s, long card) {
        for (int i = 0; i < 8; i++) {
            s[8 + i] = (byte) (card >>> (8 * i));
        }
    }

    static long count(byte[] r) {
        double m = REGISTERS;
        int[] histo = new int[64];
        for (byte b : r) {
            histo[b]++;
        }
        double z = m * tau((m - histo[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histo[j];
            z *= 0.5;
        }
        z += m * sigma(histo[0] / m);
        return Math.round(ALPHA_INF * m * m / z);
    }

    private static double tau(double x) {
        if (x == 0. || x == 1.) {
            return 0.;
        }
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            z -= Math.pow(1 - x, 2) * y;
        } while (zPrime != z);
        return z / 3;
    }

    private static double sigma(double x) {
        if (x == 1.) {
            return Double.POSITIVE_INFINITY;
        }
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    /** MurmurHash64A (Austin Appleby), little-endian reads, as Redis uses it. */
    static long murmur64a(byte[] key, long seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        int len = key.length;
        long h = seed ^ (len * m);
        int i = 0;
        int end = len - (len & 7);
        for (; i < end; i += 8) {
            long k = (key[i] & 0xFFL) | (key[i + 1] & 0xFFL) << 8 | (key[i + 2] & 0xFFL) << 16 | (key[i + 3] & 0xFFL) << 24
                    | (key[i + 4] & 0xFFL) << 32 | (key[i + 5] & 0xFFL) << 40 | (key[i + 6] & 0xFFL) << 48 | (key[i + 7] & 0xFFL) << 56;
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        switch (len & 7) {
            case 7: h ^= (long) (key[i + 6] & 0xFF) << 48; // fall through
            case 6: h ^= (long) (key[i + 5] & 0xFF) << 40; // fall through
            case 5: h ^= (long) (key[i + 4] & 0xFF) << 32; // fall through
            case 4: h ^= (long) (key[i + 3] & 0xFF) << 24; // fall through
            case 3: h ^= (long) (key[i + 2] & 0xFF) << 16; // fall through
            case 2: h ^= (long) (key[i + 1] & 0xFF) << 8; // fall through
            case 1:
                h ^= key[i] & 0xFF;
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }
}
