package io.heliosdb.lsm.engine;

import io.heliosdb.lsm.sstable.SSTableReader;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/** A table's versions from a start key on, block by block (each block checked as it is read). */
final class TableSource implements VersionSource {
    private final SSTableReader reader;
    private int block = -1;
    private List<SSTableReader.Entry> entries = List.of();
    private int i;

    TableSource(SSTableReader reader, byte[] from) throws IOException {
        this.reader = reader;
        if (from != null) {
            block = reader.firstBlockFor(from) - 1; // the index finds the block; the loop below the key in it
        }
        nextBlock();
        if (from != null) {
            while (valid() && Arrays.compareUnsigned(key(), from) < 0) {
                next();
            }
        }
    }

    private void nextBlock() throws IOException {
        entries = List.of();
        i = 0;
        while (entries.isEmpty() && ++block < reader.blocks()) {
            entries = reader.block(block);
        }
    }

    @Override
    public boolean valid() {
        return i < entries.size();
    }

    @Override
    public byte[] key() {
        return entries.get(i).key();
    }

    @Override
    public long sequence() {
        return entries.get(i).sequence();
    }

    @Override
    public byte[] value() {
        return entries.get(i).value();
    }

    @Override
    public void next() throws IOException {
        if (++i >= entries.size()) {
            nextBlock();
        }
    }
}
