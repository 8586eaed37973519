package io.heliosdb.keyspace.ops;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * LCS (Redis 7's lcsCommand): the longest common subsequence of two string values, computed on
 * copies of them (the keys may live on two shards). Redis' dynamic-programming table and its walk
 * back from the end decide which subsequence and which ranges are reported.
 */
public final class LcsOps {
    /** What LCS answers: the subsequence itself, its length only (LEN), or the matching ranges and the length (IDX). */
    public enum Form { STRING, LEN, IDX }

    private static final byte[] MATCHES = "matches".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEN = "len".getBytes(StandardCharsets.US_ASCII);

    private LcsOps() {}

    /**
     * The LCS of {@code a} and {@code b} (null reads as empty) in {@code form} to {@code out}; with
     * IDX, the ranges of at least {@code minMatchLen} bytes, each with its length when
     * {@code withMatchLen}. TOO_LARGE (nothing written) when the table would have more than
     * {@code maxCells} cells.
     */
    public static OpStatus lcs(byte[] a, byte[] b, Form form, long minMatchLen, boolean withMatchLen, long maxCells, ValueSink out) {
        a = a == null ? new byte[0] : a;
        b = b == null ? new byte[0] : b;
        if ((long) (a.length + 1) * (b.length + 1) > maxCells) {
            return OpStatus.TOO_LARGE;
        }
        int[][] dp = table(a, b);
        int total = dp[a.length][b.length];
        if (form == Form.LEN) {
            out.integer(total);
            return OpStatus.OK;
        }
        byte[] result = new byte[total];
        List<long[]> ranges = walkBack(a, b, dp, result, minMatchLen);
        if (form == Form.STRING) {
            out.bulk(result);
            return OpStatus.OK;
        }
        out.map(2);
        out.bulk(MATCHES);
        out.array(ranges.size());
        for (long[] r : ranges) {
            out.array(withMatchLen ? 3 : 2);
            out.array(2);
            out.integer(r[0]);
            out.integer(r[1]);
            out.array(2);
            out.integer(r[2]);
            out.integer(r[3]);
            if (withMatchLen) {
                out.integer(r[1] - r[0] + 1);
            }
        }
        out.bulk(LEN);
        out.integer(total);
        return OpStatus.OK;
    }

    /** dp[i][j]: the LCS length of a's first i and b's first j bytes. */
    private static int[][] table(byte[] a, byte[] b) {
        int[][] dp = new int[a.length + 1][b.length + 1];
        for (int i = 1; i <= a.length; i++) {
            for (int j = 1; j <= b.length; j++) {
                dp[i][j] = a[i - 1] == b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
            }
        }
        return dp;
    }

    /**
     * Walks back from the end, like Redis, filling {@code result} with the subsequence; the
     * contiguous ranges {aStart, aEnd, bStart, bEnd} of at least {@code minMatchLen}, last first.
     */
    private static List<long[]> walkBack(byte[] a, byte[] b, int[][] dp, byte[] result, long minMatchLen) {
        List<long[]> ranges = new ArrayList<>();
        int i = a.length, j = b.length, k = result.length;
        long aStart = -1, aEnd = -1, bStart = -1, bEnd = -1;
        while (i > 0 && j > 0) {
            if (a[i - 1] == b[j - 1]) {
                result[--k] = a[i - 1];
                if (aStart == -1) {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    addRange(ranges, aStart, aEnd, bStart, bEnd, minMatchLen);
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                }
                i--;
                j--;
            } else if (dp[i - 1][j] > dp[i][j - 1]) {
                i--;
            } else {
                j--;
            }
        }
        if (aStart != -1) {
            addRange(ranges, aStart, aEnd, bStart, bEnd, minMatchLen);
        }
        return ranges;
    }

    private static void addRange(List<long[]> ranges, long aStart, long aEnd, long bStart, long bEnd, long minMatchLen) {
        if (aEnd - aStart + 1 >= minMatchLen) {
            ranges.add(new long[]{aStart, aEnd, bStart, bEnd});
        }
    }
}
