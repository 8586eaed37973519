package io.heliosdb.memory;

import java.lang.foreign.MemorySegment;

/**
 * Redis' glob-style matching (stringmatchlen): {@code * ? [abc] [^a-z] \x}, used by KEYS, SCAN
 * MATCH, CONFIG GET and pub/sub patterns. Recursion depth is bounded by the number of stars.
 */
public final class GlobMatcher {
    private GlobMatcher() {}

    public static boolean matches(byte[] pattern, MemorySegment s, long off, int len, boolean nocase) {
        return match(pattern, 0, s, off, len, nocase, 0);
    }

    public static boolean matches(String pattern, String s, boolean nocase) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return matches(pattern.getBytes(java.nio.charset.StandardCharsets.UTF_8), MemorySegment.ofArray(b), 0, b.length, nocase);
    }

    private static boolean match(byte[] p, int pi, MemorySegment s, long off, int len, boolean nocase, int depth) {
        if (depth > 1000) {
            return false;
        }
        int si = 0;
        while (pi < p.length && si <= len) {
            switch (p[pi]) {
                case '*' -> {
                    while (pi + 1 < p.length && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == p.length) {
                        return true;
                    }
                    for (int k = si; k <= len; k++) {
                        if (match(p, pi + 1, s, off + k, len - k, nocase, depth + 1)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (si >= len) {
                        return false;
                    }
                    si++;
                }
                case '[' -> {
                    if (si >= len) {
                        return false;
                    }
                    pi++;
                    boolean not = pi < p.length && p[pi] == '^';
                    if (not) {
                        pi++;
                    }
                    boolean found = false;
                    byte c = s.get(NativeMemory.BYTE, off + si);
                    while (pi < p.length && p[pi] != ']') {
                        if (p[pi] == '\\' && pi + 1 < p.length) {
                            pi++;
                            if (eq(p[pi], c, nocase)) {
                                found = true;
                            }
                        } else if (pi + 2 < p.length && p[pi + 1] == '-') {
                            int lo = p[pi] & 0xFF, hi = p[pi + 2] & 0xFF;
                            if (lo > hi) {
                                int t = lo; lo = hi; hi = t;
                            }
                            int cc = c & 0xFF;
                            if (nocase) {
                                cc = Character.toLowerCase(cc);
                                lo = Character.toLowerCase(lo);
                                hi = Character.toLowerCase(hi);
                            }
                            if (cc >= lo && cc <= hi) {
                                found = true;
                            }
                            pi += 2;
                        } else if (eq(p[pi], c, nocase)) {
                            found = true;
                        }
                        pi++;
                    }
                    if (pi >= p.length) {
                        pi = p.length - 1; // unterminated class: Redis treats end as ']'
                    }
                    if (not) {
                        found = !found;
                    }
                    if (!found) {
                        return false;
                    }
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 < p.length) {
                        pi++;
                    }
                    if (si >= len || !eq(p[pi], s.get(NativeMemory.BYTE, off + si), nocase)) {
                        return false;
                    }
                    si++;
                }
                default -> {
                    if (si >= len || !eq(p[pi], s.get(NativeMemory.BYTE, off + si), nocase)) {
                        return false;
                    }
                    si++;
                }
            }
            pi++;
        }
        return pi == p.length && si == len;
    }

    private static boolean eq(byte a, byte b, boolean nocase) {
        return a == b || (nocase && Character.toLowerCase(a & 0xFF) == Character.toLowerCase(b & 0xFF));
    }
}
