package io.heliosdb.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteStringsTest {
    private static MemorySegment s(String v) {
        return MemorySegment.ofArray(v.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean isLong(String v) {
        return ByteStrings.isLong(s(v), 0, v.length());
    }

    @Test
    void integersFollowRedisString2ll() {
        for (String ok : new String[]{"0", "-1", "123", "9223372036854775807", "-9223372036854775808"}) {
            assertTrue(isLong(ok), ok);
            assertEquals(Long.parseLong(ok), ByteStrings.parseLong(s(ok), 0, ok.length()));
        }
        for (String bad : new String[]{"", "-", "+1", "01", "-0", " 1", "1 ", "9223372036854775808", "-9223372036854775809", "1.0", "abc", "123456789012345678901"}) {
            assertFalse(isLong(bad), bad);
        }
    }

    @Test
    void decimalFormattingRoundTrips() {
        Random r = new Random(1);
        MemorySegment buf = MemorySegment.ofArray(new byte[20]);
        for (int i = 0; i < 100_000; i++) {
            long v = switch (i) {
                case 0 -> Long.MIN_VALUE;
                case 1 -> Long.MAX_VALUE;
                case 2 -> 0;
                default -> r.nextLong() >> r.nextInt(64);
            };
            int n = ByteStrings.writeDecimal(buf, 0, v);
            assertEquals(Long.toString(v), ByteStrings.toString(buf, 0, n));
            assertEquals(n, ByteStrings.decimalLength(v));
        }
    }

    @Test
    void crc16MatchesRedisClusterSlots() {
        assertEquals(0x31C3, Crc16.crc16(s("123456789"), 0, 9));
        assertEquals(12182, Crc16.slot(s("foo"), 0, 3));
        assertEquals(Crc16.slot(s("bar"), 0, 3), Crc16.slot(s("{bar}.x"), 0, 7));
        assertEquals(Crc16.slot(s("{}x"), 0, 3), Crc16.crc16(s("{}x"), 0, 3) & 16383); // empty tag: whole key
    }

    @Test
    void globMatchesLikeRedis() {
        assertTrue(GlobMatcher.matches("h?llo", "hello", false));
        assertTrue(GlobMatcher.matches("h*llo", "heeeello", false));
        assertTrue(GlobMatcher.matches("h[ae]llo", "hallo", false));
        assertFalse(GlobMatcher.matches("h[^e]llo", "hello", false));
        assertTrue(GlobMatcher.matches("h[a-b]llo", "hbllo", false));
        assertTrue(GlobMatcher.matches("h\\*llo", "h*llo", false));
        assertFalse(GlobMatcher.matches("h\\*llo", "hallo", false));
        assertTrue(GlobMatcher.matches("MAXMEMORY*", "maxmemory-policy", true));
        assertFalse(GlobMatcher.matches("a*b", "acd", false));
        assertFalse(GlobMatcher.matches("*", "", false)); // Redis' stringmatchlen; callers special-case a lone star
        assertTrue(GlobMatcher.matches("[a", "a", false)); // an unterminated class ends at the pattern's end
        assertFalse(GlobMatcher.matches("a[", "a[", false));
        assertTrue(GlobMatcher.matches("a\\[", "a[", false));
        assertTrue(GlobMatcher.matches("ab**", "ab", false));
    }

    /** CVE-2022-36021: many stars against a long subject must fail fast, not try every split. */
    @Test
    @org.junit.jupiter.api.Timeout(10)
    void abusivePatternsFailWithoutExponentialWork() {
        String subject = "a".repeat(10_000);
        String pattern = "*a".repeat(2_000) + "b";
        assertFalse(GlobMatcher.matches(pattern, subject, false));
        assertFalse(GlobMatcher.matches("[a-z]*".repeat(500) + "?b", subject, true));
        assertTrue(GlobMatcher.matches("*a".repeat(900), subject, false));
        assertFalse(GlobMatcher.matches("*a".repeat(1100), subject, false)); // past Redis' nesting limit
    }

    @Test
    void comparisonIsUnsignedLexicographic() {
        assertTrue(ByteStrings.compare(s("a"), 0, 1, s("b"), 0, 1) < 0);
        assertTrue(ByteStrings.compare(s("ab"), 0, 2, s("a"), 0, 1) > 0);
        MemorySegment hi = MemorySegment.ofArray(new byte[]{(byte) 0xFF});
        assertTrue(ByteStrings.compare(hi, 0, 1, s("a"), 0, 1) > 0);
    }

    @Test
    void compareOrdersAsUnsignedMemcmpThenLengthForAnyPrefixAndOffset() {
        java.util.Random r = new java.util.Random(8);
        for (int t = 0; t < 100_000; t++) {
            int common = r.nextInt(30);
            byte[] prefix = new byte[common];
            r.nextBytes(prefix);
            byte[] x = withTail(prefix, r);
            byte[] y = r.nextInt(10) == 0 ? x.clone() : withTail(prefix, r);
            int ox = r.nextInt(9);
            int oy = r.nextInt(9);
            MemorySegment a = MemorySegment.ofArray(new byte[ox + x.length]);
            MemorySegment b = MemorySegment.ofArray(new byte[oy + y.length]);
            MemorySegment.copy(MemorySegment.ofArray(x), 0, a, ox, x.length);
            MemorySegment.copy(MemorySegment.ofArray(y), 0, b, oy, y.length);
            int expected = Integer.signum(java.util.Arrays.compareUnsigned(x, y));
            assertEquals(expected, Integer.signum(ByteStrings.compare(a, ox, x.length, b, oy, y.length)));
        }
    }

    private static byte[] withTail(byte[] prefix, java.util.Random r) {
        byte[] tail = new byte[r.nextInt(20)];
        r.nextBytes(tail);
        byte[] all = java.util.Arrays.copyOf(prefix, prefix.length + tail.length);
        System.arraycopy(tail, 0, all, prefix.length, tail.length);
        return all;
    }
}
