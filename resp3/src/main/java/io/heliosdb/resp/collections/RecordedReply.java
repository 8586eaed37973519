package io.heliosdb.resp.collections;

import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.keyspace.ops.ValueSink;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.StatusErrors;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A sink that keeps what an operation wrote on a shard (values copied) and writes it to the client's
 * reply later, on the client's loop: how a multi-key step ({@link KeyGather}) hands its result
 * back. Not for single-key hot paths, which write straight to the {@link RespWriter}.
 */
public final class RecordedReply implements ValueSink {
    private final List<Consumer<RespWriter>> parts = new ArrayList<>();

    /** The reply for the operation's status: what it wrote when OK, else the status' error. */
    public Consumer<RespWriter> reply(OpStatus s) {
        if (s != OpStatus.OK) {
            String error = StatusErrors.text(s);
            return w -> w.error(error);
        }
        return w -> {
            for (Consumer<RespWriter> p : parts) {
                p.accept(w);
            }
        };
    }

    @Override
    public void integer(long v) {
        parts.add(w -> w.integer(v));
    }

    @Override
    public void bulk(MemorySegment seg, long off, int len) {
        byte[] b = ByteStrings.toBytes(seg, off, len);
        parts.add(w -> w.bulk(b));
    }

    @Override
    public void bulk(byte[] b) {
        byte[] copy = b.clone();
        parts.add(w -> w.bulk(copy));
    }

    @Override
    public void bulk(byte[] b, int off, int len) {
        byte[] copy = new byte[len];
        System.arraycopy(b, off, copy, 0, len);
        parts.add(w -> w.bulk(copy));
    }

    @Override
    public void bulkDecimal(long v) {
        parts.add(w -> w.bulkDecimal(v));
    }

    @Override
    public void doubleValue(double d) {
        parts.add(w -> w.doubleValue(d));
    }

    @Override
    public void nullBulk() {
        parts.add(RespWriter::nullBulk);
    }

    @Override
    public void nullArray() {
        parts.add(RespWriter::nullArray);
    }

    @Override
    public void array(int n) {
        parts.add(w -> w.array(n));
    }

    @Override
    public void map(int n) {
        parts.add(w -> w.map(n));
    }

    @Override
    public void set(int n) {
        parts.add(w -> w.set(n));
    }

    @Override
    public void pairs(int n) {
        parts.add(w -> w.pairs(n));
    }

    @Override
    public void pair() {
        parts.add(RespWriter::pair);
    }

    @Override
    public void bool(boolean b) {
        parts.add(w -> w.bool(b));
    }

    @Override
    public void ok() {
        parts.add(RespWriter::ok);
    }
}
