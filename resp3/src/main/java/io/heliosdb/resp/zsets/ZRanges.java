package io.heliosdb.resp.zsets;

import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.ZTree;
import io.heliosdb.resp.collections.TypedKeys;
import java.util.Arrays;

/** Parsing of score and lex bounds as Redis' t_zset.c does it (selection: keyspace/ops ZSetRanges). */
final class ZRanges {
    private ZRanges() {}

    /** "(1.5", "1.5", "-inf", "+inf" read by strtod as zslParseRange does (" 2" and "" are numbers); null when invalid. */
    static ZTree.ScoreRange score(String min, String max) {
        boolean minEx = min.startsWith("(");
        boolean maxEx = max.startsWith("(");
        double lo = TypedKeys.strtod(minEx ? min.substring(1) : min);
        double hi = TypedKeys.strtod(maxEx ? max.substring(1) : max);
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            return null;
        }
        return new ZTree.ScoreRange(lo, minEx, hi, maxEx);
    }

    /** "[a", "(a", "-", "+"; null when invalid. */
    static ZTree.LexRange lex(byte[] min, byte[] max) {
        Object[] lo = lexItem(min);
        Object[] hi = lexItem(max);
        if (lo == null || hi == null) {
            return null;
        }
        // lexItem: {key or null, exclusive, kind} kind 0 = value, 1 = "-", 2 = "+"
        int loKind = (Integer) lo[2];
        int hiKind = (Integer) hi[2];
        return new ZTree.LexRange((ByteKey) lo[0], (Boolean) lo[1], (ByteKey) hi[0], (Boolean) hi[1],
                loKind == 1, hiKind == 2);
    }

    private static Object[] lexItem(byte[] b) {
        if (b.length == 1 && b[0] == '-') {
            return new Object[]{null, false, 1};
        }
        if (b.length == 1 && b[0] == '+') {
            return new Object[]{null, false, 2};
        }
        if (b.length >= 1 && (b[0] == '(' || b[0] == '[')) {
            return new Object[]{new ByteKey(Arrays.copyOfRange(b, 1, b.length)), b[0] == '(', 0};
        }
        return null;
    }
}
