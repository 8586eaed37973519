package io.heliosdb.memory;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Redis' glob-style matching (util.c stringmatchlen): {@code * ? [abc] [^a-z] \x}, used by KEYS, SCAN
 * MATCH, CONFIG GET, pub/sub patterns, ACL patterns, SORT and CLIENT/COMMAND filters.
 *
 * <p>Work is bounded as in Redis 7.0.9+ (the fix for CVE-2022-36021): once the rest of the pattern
 * after a star has failed to match at every later position, no earlier star can help either, so
 * the whole match fails at once instead of retrying every split (which is exponential in the number
 * of stars). Recursion is also cut at a depth of 1000 stars, as Redis does for abusive patterns.
 * Reads past the pattern's end see 0, as Redis' C code sees the string's terminator.
 */
public final class GlobMatcher {
    private static final int MAX_NESTING = 1000;

    private GlobMatcher() {}

    public static boolean matches(byte[] pattern, MemorySegment s, long off, int len, boolean nocase) {
        return run(pattern, 0, s, off, len, nocase, 0) == MATCH;
    }

    public static boolean matches(String pattern, String s, boolean nocase) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return matches(pattern.getBytes(StandardCharsets.UTF_8), MemorySegment.ofArray(b), 0, b.length, nocase);
    }

    public static boolean matches(byte[] pattern, byte[] s, boolean nocase) {
        return matches(pattern, MemorySegment.ofArray(s), 0, s.length, nocase);
    }

    private static final int NO_MATCH = 0;
    private static final int MATCH = 1;
    /** No match, and Redis' skipLongerMatches: the rest failed after a star at every position. */
    private static final int NO_MATCH_ANYWHERE = 2;

    private static int pat(byte[] p, int i) {
        return i < p.length ? p[i] & 0xFF : 0;
    }

    private static int str(MemorySegment s, long at) {
        return s.get(NativeMemory.BYTE, at) & 0xFF;
    }

    private static boolean same(int a, int b, boolean nocase) {
        return nocase ? lower(a) == lower(b) : a == b;
    }

    /** stringmatchlen_impl: pattern from {@code pi}, subject at {@code at} of length {@code len}. */
    private static int run(byte[] p, int pi, MemorySegment s, long at, int len, boolean nocase, int nesting) {
        if (nesting > MAX_NESTING) {
            return NO_MATCH;
        }
        int plen = p.length - pi;
        while (plen > 0 && len > 0) {
            switch (pat(p, pi)) {
                case '*' -> {
                    while (plen > 0 && pat(p, pi + 1) == '*') {
                        pi++;
                        plen--;
                    }
                    if (plen == 1) {
                        return MATCH;
                    }
                    while (len > 0) {
                        int r = run(p, pi + 1, s, at, len, nocase, nesting + 1);
                        if (r != NO_MATCH) {
                            return r;
                        }
                        at++;
                        len--;
                    }
                    // The rest failed from every position: no earlier star can do better.
                    return NO_MATCH_ANYWHERE;
                }
                case '?' -> {
                    at++;
                    len--;
                }
                case '[' -> {
                    pi++;
                    plen--;
                    boolean not = pat(p, pi) == '^';
                    if (not) {
                        pi++;
                        plen--;
                    }
                    boolean match = false;
                    int c = str(s, at);
                    while (true) {
                        if (pat(p, pi) == '\\' && plen >= 2) {
                            pi++;
                            plen--;
                            if (pat(p, pi) == c) {
                                match = true;
                            }
                        } else if (pat(p, pi) == ']') {
                            break;
                        } else if (plen == 0) {
                            pi--;
                            plen++;
                            break;
                        } else if (plen >= 3 && pat(p, pi + 1) == '-') {
                            int start = pat(p, pi);
                            int end = pat(p, pi + 2);
                            int ch = c;
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = lower(start);
                                end = lower(end);
                                ch = lower(ch);
                            }
                            pi += 2;
                            plen -= 2;
                            if (ch >= start && ch <= end) {
                                match = true;
                            }
                        } else if (same(pat(p, pi), c, nocase)) {
                            match = true;
                        }
                        pi++;
                        plen--;
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        return NO_MATCH;
                    }
                    at++;
                    len--;
                }
                case '\\' -> {
                    if (plen >= 2) {
                        pi++;
                        plen--;
                    }
                    if (!same(pat(p, pi), str(s, at), nocase)) {
                        return NO_MATCH;
                    }
                    at++;
                    len--;
                }
                default -> {
                    if (!same(pat(p, pi), str(s, at), nocase)) {
                        return NO_MATCH;
                    }
                    at++;
                    len--;
                }
            }
            pi++;
            plen--;
            if (len == 0) {
                while (pat(p, pi) == '*') {
                    pi++;
                    plen--;
                }
                break;
            }
        }
        return plen == 0 && len == 0 ? MATCH : NO_MATCH;
    }

    /** C's tolower in the "C" locale: ASCII letters only. */
    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
