package io.heliosdb.memory;

import java.lang.foreign.MemorySegment;

/** CRC16-CCITT (XMODEM), the function Redis Cluster uses to map keys to its 16384 hash slots. */
public final class Crc16 {
    public static final int SLOTS = 16384;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xFFFF;
        }
    }

    private Crc16() {}

    public static int crc16(MemorySegment seg, long off, int len) {
        int crc = 0;
        for (int i = 0; i < len; i++) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ seg.get(NativeMemory.BYTE, off + i)) & 0xFF]) & 0xFFFF;
        }
        return crc;
    }

    /** Redis Cluster's key-to-slot rule: only the part inside the first non-empty {...} counts. */
    public static int slot(MemorySegment seg, long off, int len) {
        int open = -1;
        for (int i = 0; i < len; i++) {
            if (seg.get(NativeMemory.BYTE, off + i) == '{') {
                open = i;
                break;
            }
        }
        if (open >= 0) {
            for (int j = open + 1; j < len; j++) {
                if (seg.get(NativeMemory.BYTE, off + j) == '}') {
                    if (j > open + 1) {
                        return crc16(seg, off + open + 1, j - open - 1) & (SLOTS - 1);
                    }
                    break;
                }
            }
        }
        return crc16(seg, off, len) & (SLOTS - 1);
    }
}
