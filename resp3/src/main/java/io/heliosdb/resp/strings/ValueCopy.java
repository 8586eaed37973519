package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.ops.ValueSink;
import io.heliosdb.memory.ByteStrings;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * A sink for one string value, copied to the heap: what a cross-shard step hands back to the
 * client's thread (the keyspace's bytes must not be read from another shard). Other values are not
 * expected from the operations it is given to.
 */
final class ValueCopy implements ValueSink {
    private byte[] value;

    /** The value received since the last call, or null; clears it. */
    byte[] take() {
        byte[] v = value;
        value = null;
        return v;
    }

    @Override
    public void bulk(MemorySegment seg, long off, int len) {
        value = ByteStrings.toBytes(seg, off, len);
    }

    @Override
    public void bulk(byte[] b) {
        value = b.clone();
    }

    @Override
    public void bulkDecimal(long v) {
        value = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void nullBulk() {
        value = null;
    }

    @Override
    public void integer(long v) {
        throw unexpected();
    }

    @Override
    public void doubleValue(double d) {
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
        return new UnsupportedOperationException("a single string value was expected");
    }
}
