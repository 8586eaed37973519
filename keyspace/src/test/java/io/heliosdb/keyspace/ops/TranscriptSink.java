package io.heliosdb.keyspace.ops;

import io.heliosdb.memory.ByteStrings;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A ValueSink that keeps what an operation wrote as readable words ("int:1", "bulk:a", "nil", "array:2", ...). */
final class TranscriptSink implements ValueSink {
    final List<String> values = new ArrayList<>();

    /** What was written since the last call, joined by spaces; then forgets it. */
    String take() {
        String s = String.join(" ", values);
        values.clear();
        return s;
    }

    @Override
    public void integer(long v) {
        values.add("int:" + v);
    }

    @Override
    public void bulk(MemorySegment seg, long off, int len) {
        bulk(ByteStrings.toBytes(seg, off, len));
    }

    @Override
    public void bulk(byte[] b) {
        values.add("bulk:" + new String(b, StandardCharsets.UTF_8));
    }

    @Override
    public void bulk(byte[] b, int off, int len) {
        values.add("bulk:" + new String(b, off, len, StandardCharsets.UTF_8));
    }

    @Override
    public void bulkDecimal(long v) {
        values.add("bulk:" + v);
    }

    @Override
    public void doubleValue(double d) {
        values.add("double:" + d);
    }

    @Override
    public void nullBulk() {
        values.add("nil");
    }

    @Override
    public void nullArray() {
        values.add("nilarray");
    }

    @Override
    public void array(int n) {
        values.add("array:" + n);
    }

    @Override
    public void map(int n) {
        values.add("map:" + n);
    }

    @Override
    public void set(int n) {
        values.add("set:" + n);
    }

    @Override
    public void pairs(int n) {
        values.add("pairs:" + n);
    }

    @Override
    public void pair() {
        values.add("pair");
    }

    @Override
    public void bool(boolean b) {
        values.add("bool:" + b);
    }

    @Override
    public void ok() {
        values.add("ok");
    }
}
