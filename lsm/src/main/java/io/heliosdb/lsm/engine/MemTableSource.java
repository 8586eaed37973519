package io.heliosdb.lsm.engine;

import io.heliosdb.lsm.memtable.MemTable;
import io.heliosdb.memory.ByteStrings;
import java.lang.foreign.MemorySegment;

/** The memtable's versions from a start key on. */
final class MemTableSource implements VersionSource {
    private final MemTable table;
    private final MemTable.Cursor cursor;
    private long node;

    MemTableSource(MemTable table, byte[] from) {
        this.table = table;
        this.cursor = from == null ? table.cursor() : table.seek(MemorySegment.ofArray(from), 0, from.length);
        this.node = cursor.valid() ? cursor.node() : -1;
    }

    @Override
    public boolean valid() {
        return node != -1;
    }

    @Override
    public byte[] key() {
        return ByteStrings.toBytes(table.segment(node), table.keyOffset(node), table.keyLength(node));
    }

    @Override
    public long sequence() {
        return table.sequence(node);
    }

    @Override
    public byte[] value() {
        int len = table.valueLength(node);
        return len == MemTable.TOMBSTONE ? null : ByteStrings.toBytes(table.segment(node), table.valueOffset(node), len);
    }

    @Override
    public void next() {
        cursor.next();
        node = cursor.valid() ? cursor.node() : -1;
    }
}
