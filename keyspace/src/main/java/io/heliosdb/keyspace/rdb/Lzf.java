package io.heliosdb.keyspace.rdb;

/** LZF decompression (liblzf's format), for strings Redis compressed in RDB values. */
final class Lzf {
    private Lzf() {}

    static byte[] decompress(byte[] in, int outLen) throws RdbValues.BadFormat {
        byte[] out = new byte[outLen];
        int ip = 0, op = 0;
        try {
            while (ip < in.length) {
                int ctrl = in[ip++] & 0xFF;
                if (ctrl < 32) {
                    int n = ctrl + 1;
                    System.arraycopy(in, ip, out, op, n);
                    ip += n;
                    op += n;
                } else {
                    int len = ctrl >> 5;
                    int ref = op - ((ctrl & 0x1F) << 8) - 1;
                    if (len == 7) {
                        len += in[ip++] & 0xFF;
                    }
                    ref -= in[ip++] & 0xFF;
                    len += 2;
                    if (ref < 0) {
                        throw new RdbValues.BadFormat("lzf back reference");
                    }
                    for (int i = 0; i < len; i++) {
                        out[op++] = out[ref++];
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new RdbValues.BadFormat("lzf overrun");
        }
        if (op != outLen) {
            throw new RdbValues.BadFormat("lzf length");
        }
        return out;
    }
}
