package io.heliosdb.lsm.sstable;

import io.heliosdb.lsm.io.StorageFile;
import io.heliosdb.memory.ByteStrings;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/** Writes one SSTable from entries added in order (key ascending, then sequence descending). */
public final class SSTableWriter {
    private final StorageFile file;
    private final List<byte[]> keys = new ArrayList<>();
    private ByteBuffer block = ByteBuffer.allocate(2 * SSTableFormat.TARGET_BLOCK).order(ByteOrder.LITTLE_ENDIAN);
    private int blockEntries;
    private final ByteBuffer index = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer indexBuf = index;
    private int indexEntries;
    private long position;
    private long entries;
    private byte[] lastKey;
    private long lastSequence;

    public SSTableWriter(StorageFile file) {
        this.file = file;
    }

    /** Bytes of finished blocks so far (the file grows by this much plus index, bloom and footer). */
    public long bytesWritten() {
        return position;
    }

    public long entries() {
        return entries;
    }

    public void add(MemorySegment key, long keyOff, int keyLen, long sequence, MemorySegment value, long valueOff, int valueLen)
            throws IOException {
        byte[] k = ByteStrings.toBytes(key, keyOff, keyLen);
        if (lastKey != null) {
            int c = Arrays.compareUnsigned(lastKey, k);
            if (c > 0 || (c == 0 && sequence >= lastSequence)) {
                throw new IllegalArgumentException("entries must be added in (key asc, sequence desc) order");
            }
        }
        int need = SSTableFormat.ENTRY_HEADER + keyLen + Math.max(0, valueLen);
        if (blockEntries > 0 && block.position() + need > SSTableFormat.TARGET_BLOCK) {
            finishBlock();
        }
        if (block.remaining() < need + 8) {
            ByteBuffer bigger = ByteBuffer.allocate(block.position() + need + 8).order(ByteOrder.LITTLE_ENDIAN);
            block.flip();
            bigger.put(block);
            block = bigger;
        }
        block.putInt(keyLen).putInt(valueLen).putLong(sequence).put(k);
        if (valueLen > 0) { // straight from the memtable's (or merge's) memory: no array per value
            MemorySegment.copy(value, valueOff, MemorySegment.ofArray(block.array()), block.arrayOffset() + block.position(), valueLen);
            block.position(block.position() + valueLen);
        }
        blockEntries++;
        entries++;
        if (lastKey == null || !Arrays.equals(lastKey, k)) {
            keys.add(k);
        }
        lastKey = k;
        lastSequence = sequence;
    }

    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();

    private void finishBlock() throws IOException {
        block.putInt(blockEntries);
        int rawLength = block.position();
        byte[] stored = block.array();
        int storedLength = rawLength;
        byte codec = SSTableFormat.RAW;
        byte[] compressed = new byte[LZ4.maxCompressedLength(rawLength)];
        int c = LZ4.compress(block.array(), 0, rawLength, compressed, 0, compressed.length);
        if (c <= rawLength - rawLength / 8) {
            stored = compressed;
            storedLength = c;
            codec = SSTableFormat.LZ4;
        }
        ByteBuffer out = ByteBuffer.allocate(storedLength + SSTableFormat.BLOCK_TRAILER).order(ByteOrder.LITTLE_ENDIAN);
        out.put(stored, 0, storedLength).put(codec).putInt(rawLength);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        out.flip();
        int size = out.remaining();
        file.write(out, position);
        // Index entry: the block's last key and sequence, and where the block is.
        int need = 4 + 8 + lastKey.length + 8 + 4;
        if (indexBuf.remaining() < need) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(indexBuf.capacity() * 2, indexBuf.position() + need + 64))
                    .order(ByteOrder.LITTLE_ENDIAN);
            indexBuf.flip();
            bigger.put(indexBuf);
            indexBuf = bigger;
        }
        indexBuf.putInt(lastKey.length).putLong(lastSequence).put(lastKey).putLong(position).putInt(size);
        indexEntries++;
        position += size;
        block.clear();
        blockEntries = 0;
    }

    /** Writes the index, the bloom filter and the footer, and syncs. Returns the file size. */
    public long finish() throws IOException {
        if (blockEntries > 0) {
            finishBlock();
        }
        long indexOffset = position;
        indexBuf.putInt(indexEntries);
        int indexSize = writeChecked(indexBuf);
        BloomFilter bloom = new BloomFilter(keys.size());
        for (byte[] k : keys) {
            bloom.add(MemorySegment.ofArray(k), 0, k.length);
        }
        long[] words = bloom.words();
        ByteBuffer b = ByteBuffer.allocate(8 + words.length * 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(bloom.hashes()).putInt(words.length);
        for (long w : words) {
            b.putLong(w);
        }
        long bloomOffset = position;
        int bloomSize = writeChecked(b);
        ByteBuffer footer = ByteBuffer.allocate(SSTableFormat.FOOTER).order(ByteOrder.LITTLE_ENDIAN);
        footer.putLong(indexOffset).putInt(indexSize).putLong(bloomOffset).putInt(bloomSize).putLong(entries)
                .putLong(SSTableFormat.MAGIC);
        CRC32C crc = new CRC32C();
        crc.update(footer.array(), 0, footer.position());
        footer.putInt((int) crc.getValue());
        footer.flip();
        file.write(footer, position);
        position += SSTableFormat.FOOTER;
        file.sync();
        return position;
    }

    /** Appends a CRC32C to the buffer's content and writes it at the current position. */
    private int writeChecked(ByteBuffer buf) throws IOException {
        if (buf.remaining() < 4) {
            ByteBuffer bigger = ByteBuffer.allocate(buf.position() + 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        buf.flip();
        int size = buf.remaining();
        file.write(buf, position);
        position += size;
        return size;
    }
}
