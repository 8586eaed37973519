package io.heliosdb.resp.zsets;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ZTree.Node;
import io.heliosdb.keyspace.ops.ZSetOps;
import io.heliosdb.resp.blocking.Blocking;
import io.heliosdb.resp.blocking.commands.BlockingPop;
import io.heliosdb.resp.blocking.commands.MultiPop;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.engine.ShardState;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.Consumer;

/**
 * The sorted-set pops that may wait: BZPOPMIN, BZPOPMAX, BZMPOP (and ZMPOP, which never waits).
 * Waiting and serving are {@link io.heliosdb.resp.blocking}'s; this file says how a sorted set
 * serves one waiter.
 */
final class ZSetBlocking {
    private ZSetBlocking() {}

    private static List<Node> popFrom(Keyspace ks, byte[] key, boolean min, long count) {
        return ZSetOps.popMany(ks, MemorySegment.ofArray(key), 0, key.length, min, count);
    }

    /** BZPOPMIN / BZPOPMAX key [key ...] timeout. */
    static final class Bzpop extends BlockingPop {
        private final boolean min;

        Bzpop(boolean min) {
            this.min = min;
        }

        @Override
        protected Plan plan(Args a) {
            return keysThenTimeout(a);
        }

        @Override
        protected byte type() {
            return ValueType.ZSET;
        }

        @Override
        protected Consumer<RespWriter> pop(ShardState s, Keyspace ks, int db, Args a, int keyArg) {
            byte[] key = a.bytes(keyArg);
            Node p = popFrom(ks, key, min, 1).get(0);
            return w -> {
                w.array(3);
                w.bulk(key);
                w.bulk(p.member.bytes);
                ZSetCommands.writeScore(w, p.score);
            };
        }

        @Override
        public void timeoutReply(RespWriter w) {
            w.nullArray();
        }
    }

    /** ZMPOP numkeys key... MIN|MAX [COUNT n], and BZMPOP timeout numkeys .... */
    static final class Zmpop extends MultiPop {
        private static final byte[][] WHERE = {"min".getBytes(), "max".getBytes()};

        Zmpop(boolean blocking) {
            super(blocking);
        }

        @Override
        protected byte[][] whereWords() {
            return WHERE;
        }

        @Override
        protected byte type() {
            return ValueType.ZSET;
        }

        @Override
        protected Consumer<RespWriter> pop(ShardState s, Keyspace ks, int db, Args a, int keyArg) {
            byte[] key = a.bytes(keyArg);
            List<Node> popped = popFrom(ks, key, front(a), count(a));
            return w -> {
                w.array(2);
                w.bulk(key);
                w.array(popped.size());
                for (Node p : popped) {
                    w.array(2);
                    w.bulk(p.member.bytes);
                    ZSetCommands.writeScore(w, p.score);
                }
            };
        }
    }
}
