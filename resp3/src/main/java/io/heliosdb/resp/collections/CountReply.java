package io.heliosdb.resp.collections;

import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.keyspace.ops.ValueSink;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.StatusErrors;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * The sink of an operation that answers a count (a store run on the destination's shard,
 * {@link KeyGather.Store}; SINTERCARD): the count kept until the reply is written on the client's
 * loop. Other values are not expected.
 */
public final class CountReply implements ValueSink {
    private long count;

    /** The reply for the store's status: the count when OK, else the status' error. */
    public Consumer<RespWriter> reply(OpStatus s) {
        if (s != OpStatus.OK) {
            String error = StatusErrors.text(s);
            return w -> w.error(error);
        }
        long n = count;
        return w -> w.integer(n);
    }

    @Override
    public void integer(long v) {
        count = v;
    }

    @Override
    public void bulk(MemorySegment seg, long off, int len) {
        throw unexpected();
    }

    @Override
    public void bulk(byte[] b) {
        throw unexpected();
    }

    @Override
    public void bulkDecimal(long v) {
        throw unexpected();
    }

    @Override
    public void doubleValue(double d) {
        throw unexpected();
    }

    @Override
    public void nullBulk() {
        throw unexpected();
    }

    @Override
    public void nullArray() {
        throw unexpected();
    }

    @Override
    public void array(int n) {
        throw unexpected();
    }

    @Override
    public void map(int n) {
        throw unexpected();
    }

    @Override
    public void set(int n) {
        throw unexpected();
    }

    @Override
    public void bool(boolean b) {
        throw unexpected();
    }

    @Override
    public void ok() {
        throw unexpected();
    }

    private static UnsupportedOperationException unexpected() {
        return new UnsupportedOperationException("a count was expected");
    }
}
