package io.heliosdb.lsm.sstable;

import io.heliosdb.lsm.cache.BlockCache;
import io.heliosdb.lsm.io.StorageFile;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.NativeMemory;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Reads one SSTable: the footer, index and bloom filter are checked and kept in memory at open;
 * data blocks are read and checked on demand. (Blocks are read into heap buffers here; the off-heap
 * block cache comes next.)
 */
public final class SSTableReader implements AutoCloseable {
    /** One version of a key; {@code value} is null for a tombstone. */
    public record Entry(byte[] key, long sequence, byte[] value) {
        public boolean tombstone() {
            return value == null;
        }
    }

    private final StorageFile file;
    private final String name;
    private final byte[][] lastKeys;
    private final long[] lastSequences;
    private final long[] offsets;
    private final int[] sizes;
    private final BloomFilter bloom;
    private final long entries;
    private BlockCache cache;
    private long tableId;

    private SSTableReader(StorageFile file, String name, byte[][] lastKeys, long[] lastSequences, long[] offsets, int[] sizes,
                          BloomFilter bloom, long entries) {
        this.file = file;
        this.name = name;
        this.lastKeys = lastKeys;
        this.lastSequences = lastSequences;
        this.offsets = offsets;
        this.sizes = sizes;
        this.bloom = bloom;
        this.entries = entries;
    }

    /** Reads decoded blocks through {@code cache} (shared by a shard's tables), as table {@code tableId}. */
    public SSTableReader cached(BlockCache cache, long tableId) {
        this.cache = cache;
        this.tableId = tableId;
        return this;
    }

    public static SSTableReader open(StorageFile file, String name) throws IOException {
        long size = file.size();
        if (size < SSTableFormat.FOOTER) {
            throw new CorruptSSTableException(name + ": too short for an SSTable (" + size + " bytes)");
        }
        ByteBuffer footer = read(file, size - SSTableFormat.FOOTER, SSTableFormat.FOOTER);
        if (!checksumOk(footer) || footer.getLong(32) != SSTableFormat.MAGIC) {
            throw new CorruptSSTableException(name + ": footer at offset " + (size - SSTableFormat.FOOTER) + " is damaged");
        }
        long indexOffset = footer.getLong(0);
        int indexSize = footer.getInt(8);
        long bloomOffset = footer.getLong(12);
        int bloomSize = footer.getInt(20);
        long entries = footer.getLong(24);
        ByteBuffer index = checkedBlock(file, name, indexOffset, indexSize);
        int count = index.getInt(indexSize - 8);
        byte[][] lastKeys = new byte[count][];
        long[] lastSequences = new long[count];
        long[] offsets = new long[count];
        int[] sizes = new int[count];
        int p = 0;
        for (int i = 0; i < count; i++) {
            int keyLength = index.getInt(p);
            lastSequences[i] = index.getLong(p + 4);
            lastKeys[i] = new byte[keyLength];
            index.get(p + 12, lastKeys[i]);
            offsets[i] = index.getLong(p + 12 + keyLength);
            sizes[i] = index.getInt(p + 20 + keyLength);
            p += 24 + keyLength;
        }
        ByteBuffer b = checkedBlock(file, name, bloomOffset, bloomSize);
        int hashes = b.getInt(0);
        long[] words = new long[b.getInt(4)];
        for (int i = 0; i < words.length; i++) {
            words[i] = b.getLong(8 + 8 * i);
        }
        return new SSTableReader(file, name, lastKeys, lastSequences, offsets, sizes, BloomFilter.of(words, hashes), entries);
    }

    private static ByteBuffer read(StorageFile file, long offset, int size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        long p = offset;
        while (buf.hasRemaining()) {
            int n = file.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            p += n;
        }
        return buf.flip();
    }

    /** True when the last 4 bytes are the CRC32C of the bytes before them. */
    private static boolean checksumOk(ByteBuffer buf) {
        int n = buf.limit() - 4;
        if (n < 0) {
            return false;
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), buf.arrayOffset(), n);
        return (int) crc.getValue() == buf.getInt(n);
    }

    private static ByteBuffer checkedBlock(StorageFile file, String name, long offset, int size) throws IOException {
        if (size < 4) {
            throw new CorruptSSTableException(name + ": block at offset " + offset + " has an impossible size " + size);
        }
        ByteBuffer block = read(file, offset, size);
        if (!checksumOk(block)) {
            throw new CorruptSSTableException(name + ": block at offset " + offset + " failed its checksum");
        }
        return block;
    }

    private static int compare(byte[] k1, long s1, byte[] k2, long s2) {
        int c = Arrays.compareUnsigned(k1, k2);
        return c != 0 ? c : Long.compare(s2, s1); // newer first
    }

    /**
     * The newest version of {@code key} with a sequence not above {@code snapshot}, or null. A
     * damaged block raises {@link CorruptSSTableException} instead of returning its data.
     */
    public Entry get(byte[] key, long snapshot) throws IOException {
        if (!bloom.mightContain(MemorySegment.ofArray(key), 0, key.length)) {
            return null;
        }
        int lo = 0, hi = lastKeys.length; // first block whose last entry is >= (key, snapshot)
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(lastKeys[mid], lastSequences[mid], key, snapshot) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == lastKeys.length) {
            return null;
        }
        // Scan the decoded block in place; only the entry found becomes Java objects.
        MemorySegment b = rawBlock(lo);
        int count = b.get(NativeMemory.INT, b.byteSize() - 4);
        MemorySegment k = MemorySegment.ofArray(key);
        long p = 0;
        for (int n = 0; n < count; n++) {
            int keyLength = b.get(NativeMemory.INT, p);
            int valueLength = b.get(NativeMemory.INT, p + 4);
            long sequence = b.get(NativeMemory.LONG, p + 8);
            int c = ByteStrings.compare(b, p + 16, keyLength, k, 0, key.length);
            if (c > 0 || (c == 0 && sequence <= snapshot)) {
                if (c != 0) {
                    return null;
                }
                byte[] value = valueLength < 0 ? null
                        : ByteStrings.toBytes(b, p + 16 + keyLength, valueLength);
                return new Entry(key.clone(), sequence, value);
            }
            p += 16 + keyLength + Math.max(0, valueLength);
        }
        return null;
    }

    /** The decoded block {@code i}: from the cache, or read, checked, decompressed (and cached). */
    private MemorySegment rawBlock(int i) throws IOException {
        if (cache != null) {
            MemorySegment hit = cache.get(tableId, i);
            if (hit != null) {
                return hit;
            }
        }
        byte[] raw = decode(i);
        return cache != null ? cache.put(tableId, i, raw, raw.length) : MemorySegment.ofArray(raw);
    }

    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();

    /** Every entry of data block {@code i}, in order, after checking (and decompressing) the block. */
    public List<Entry> block(int i) throws IOException {
        MemorySegment raw = rawBlock(i);
        ByteBuffer b = raw.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int rawLength = (int) raw.byteSize();
        int count = b.getInt(rawLength - 4);
        List<Entry> out = new ArrayList<>(count);
        int p = 0;
        for (int n = 0; n < count; n++) {
            int keyLength = b.getInt(p);
            int valueLength = b.getInt(p + 4);
            long sequence = b.getLong(p + 8);
            byte[] key = new byte[keyLength];
            b.get(p + 16, key);
            byte[] value = null;
            if (valueLength >= 0) {
                value = new byte[valueLength];
                b.get(p + 16 + keyLength, value);
            }
            out.add(new Entry(key, sequence, value));
            p += 16 + keyLength + Math.max(0, valueLength);
        }
        return out;
    }

    /** Reads, checks and decompresses data block {@code i} into a new array (the raw block). */
    private byte[] decode(int i) throws IOException {
        ByteBuffer stored = checkedBlock(file, name, offsets[i], sizes[i]);
        int payload = sizes[i] - SSTableFormat.BLOCK_TRAILER;
        byte codec = stored.get(payload);
        int rawLength = stored.getInt(payload + 1);
        if (codec == SSTableFormat.RAW && rawLength == payload) {
            byte[] raw = new byte[rawLength];
            stored.get(0, raw);
            return raw;
        } else if (codec == SSTableFormat.LZ4 && rawLength >= 4) {
            byte[] raw = new byte[rawLength];
            int n;
            try {
                n = LZ4.decompress(stored.array(), 0, payload, raw, 0, rawLength);
            } catch (LZ4Exception e) {
                n = -1;
            }
            if (n != rawLength) {
                throw new CorruptSSTableException(name + ": block at offset " + offsets[i] + " does not decompress");
            }
            return raw; // decompressed into its own array: no second copy
        } else {
            throw new CorruptSSTableException(name + ": block at offset " + offsets[i] + " has an unknown codec " + codec);
        }
    }

    /** Index of the first block that may hold keys >= {@code key} (== {@link #blocks()} when none). */
    public int firstBlockFor(byte[] key) {
        int lo = 0, hi = lastKeys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Arrays.compareUnsigned(lastKeys[mid], key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The largest key in the table (null for an empty table). */
    public byte[] largestKey() {
        return lastKeys.length == 0 ? null : lastKeys[lastKeys.length - 1];
    }

    private byte[] smallest;

    /** The smallest key in the table (null for an empty table); read from the first block once. */
    public synchronized byte[] smallestKey() throws IOException {
        if (smallest == null && lastKeys.length > 0) {
            List<Entry> first = block(0);
            smallest = first.isEmpty() ? lastKeys[0] : first.get(0).key();
        }
        return smallest;
    }

    public long fileSize() throws IOException {
        return file.size();
    }

    public String name() {
        return name;
    }

    public int blocks() {
        return offsets.length;
    }

    public long entries() {
        return entries;
    }

    /** File offset of data block {@code i} (for reports and tests). */
    public long blockOffset(int i) {
        return offsets[i];
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
