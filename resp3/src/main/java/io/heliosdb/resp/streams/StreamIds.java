package io.heliosdb.resp.streams;

import io.heliosdb.keyspace.collection.StreamValue.Id;
import io.heliosdb.resp.codec.Args;

/** Parsing of stream IDs as Redis accepts them: "ms-seq", "ms" (seq filled in), "-", "+", "(" exclusive. */
final class StreamIds {
    static final String INVALID = "ERR Invalid stream ID specified as stream command argument";

    private StreamIds() {}

    /** Thrown with the error reply's text. */
    static final class Bad extends Exception {
        Bad(String message) {
            super(message, null, false, false);
        }
    }

    /** An ID; a missing sequence is {@code missingSeq}. */
    static Id parse(String s, long missingSeq) throws Bad {
        if (s.length() > 127) {
            throw new Bad(INVALID); // Redis copies the argument into a 128-byte buffer
        }
        if (s.equals("-")) {
            return Id.MIN;
        }
        if (s.equals("+")) {
            return Id.MAX;
        }
        int dash = s.indexOf('-');
        try {
            if (dash < 0) {
                return new Id(unsigned(s), missingSeq);
            }
            return new Id(unsigned(s.substring(0, dash)), unsigned(s.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new Bad(INVALID);
        }
    }

    /**
     * Redis' string2ull: a plain integer (string2ll) must not be negative; anything else goes to
     * strtoull, which skips leading whitespace, takes a sign (a minus wraps around 2^64) and refuses
     * overflow and trailing characters.
     */
    private static long unsigned(String s) {
        if (s.matches("-?[1-9][0-9]{0,18}|0")) {
            Long v = null;
            try {
                v = Long.parseLong(s); // within long range: string2ll read it
            } catch (NumberFormatException beyondLong) {
                // string2ll cannot read it: strtoull's turn
            }
            if (v != null) {
                if (v < 0) {
                    throw new NumberFormatException(s);
                }
                return v;
            }
        }
        String t = s.replaceFirst("^[ \\t\\n\\x0B\\f\\r]+", "");
        boolean neg = t.startsWith("-");
        if (neg || t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.isEmpty() || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException(s);
        }
        long v = Long.parseUnsignedLong(t); // throws on overflow (strtoull's ERANGE)
        return neg ? -v : v;
    }

    /** An ID as Redis' streamParseStrictIDOrReply reads it: "-" and "+" are not IDs there. */
    static Id strict(String s) throws Bad {
        if (s.equals("-") || s.equals("+")) {
            throw new Bad(INVALID);
        }
        return parse(s, 0);
    }

    /** IDs as XACK and XDEL read them (strict). */
    static Id[] all(Args a, int from) throws Bad {
        Id[] ids = new Id[a.count() - from];
        for (int i = from; i < a.count(); i++) {
            ids[i - from] = strict(a.string(i));
        }
        return ids;
    }

    /** A range start: "(" makes it exclusive (the next ID); null when nothing can follow. */
    static Id rangeStart(String s) throws Bad {
        if (s.startsWith("(")) {
            Id id = exclusiveCheck(s.substring(1), 0);
            Id n = id.next();
            if (n == null) {
                throw new Bad("ERR invalid start ID for the interval");
            }
            return n;
        }
        return parse(s, 0);
    }

    /** A range end: "(" makes it exclusive (the previous ID). */
    static Id rangeEnd(String s) throws Bad {
        if (s.startsWith("(")) {
            Id id = exclusiveCheck(s.substring(1), -1L);
            Id p = id.previous();
            if (p == null) {
                throw new Bad("ERR invalid end ID for the interval");
            }
            return p;
        }
        return parse(s, -1L);
    }

    private static Id exclusiveCheck(String s, long missingSeq) throws Bad {
        if (s.equals("-") || s.equals("+")) {
            throw new Bad(INVALID);
        }
        return parse(s, missingSeq);
    }
}
