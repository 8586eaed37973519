package io.heliosdb.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Off-heap allocator for one shard: size-classed slabs carved from chunks, plus dedicated
 * segments for large blocks. Memory is named by a {@code long} handle (chunk index, offset) rather
 * than a raw address, so every access goes through a bounds-checked {@link MemorySegment}.
 *
 * <p>Owned by one shard thread; not thread-safe. Handle 0 is never returned (means "none").
 */
public final class SlabAllocator implements AutoCloseable {
    static final int OFFSET_BITS = 20;
    static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;
    static final int MAX_CHUNK = 1 << OFFSET_BITS;
    /** Largest block served from slabs; larger ones get their own segment. */
    public static final int MAX_SLAB_BLOCK = 64 * 1024;

    private static final int[] CLASS_SIZES = buildClassSizes();
    private static final byte[] CLASS_BY_16 = buildClassIndex();
    private static final int LARGE_CLASS = -1;

    private final String tag;
    private final Arena arena = Arena.ofShared();
    private MemorySegment[] chunks = new MemorySegment[64];
    private int[] chunkClass = new int[64];
    private Arena[] largeArenas = new Arena[64];
    private int chunkCount = 1; // chunk index 0 is reserved so that handle 0 means "none"
    private int[] freeChunkIndexes = new int[16];
    private int freeChunkCount;

    /** Per class: singly linked free list threaded through the free blocks (first 8 bytes). */
    private final long[] freeLists = new long[CLASS_SIZES.length];
    /** Per class: chunk being carved and the next unused offset in it. */
    private final int[] carveChunk = new int[CLASS_SIZES.length];
    private final int[] carveOffset = new int[CLASS_SIZES.length];

    private long usedBytes;
    private long reservedBytes;

    public SlabAllocator(String tag) {
        this.tag = tag;
    }

    /** Allocates at least {@code size} bytes; contents are unspecified. */
    public long allocate(int size) {
        assert size > 0 : "size must be positive";
        if (size > MAX_SLAB_BLOCK) {
            return allocateLarge(size);
        }
        int cls = classOf(size);
        int blockSize = CLASS_SIZES[cls];
        usedBytes += blockSize;
        long head = freeLists[cls];
        if (head != 0) {
            freeLists[cls] = segment(head).get(NativeMemory.LONG, offset(head));
            return head;
        }
        int chunk = carveChunk[cls];
        int off = carveOffset[cls];
        if (chunk == 0 || off + blockSize > chunks[chunk].byteSize()) {
            chunk = newChunk(chunkSizeFor(blockSize), cls, null);
            carveChunk[cls] = chunk;
            off = 0;
        }
        carveOffset[cls] = off + blockSize;
        return handle(chunk, off);
    }

    /** Frees a block obtained from {@link #allocate}. */
    public void free(long handle) {
        int chunk = chunkIndex(handle);
        int cls = chunkClass[chunk];
        if (cls == LARGE_CLASS) {
            long size = chunks[chunk].byteSize();
            usedBytes -= size;
            reservedBytes -= size;
            largeArenas[chunk].close();
            largeArenas[chunk] = null;
            chunks[chunk] = null;
            releaseChunkIndex(chunk);
            return;
        }
        usedBytes -= CLASS_SIZES[cls];
        segment(handle).set(NativeMemory.LONG, offset(handle), freeLists[cls]);
        freeLists[cls] = handle;
    }

    /** Usable size of the block (its class size), which may exceed what was asked for. */
    public int blockSize(long handle) {
        int chunk = chunkIndex(handle);
        int cls = chunkClass[chunk];
        return cls == LARGE_CLASS ? (int) chunks[chunk].byteSize() : CLASS_SIZES[cls];
    }

    public MemorySegment segment(long handle) {
        return chunks[chunkIndex(handle)];
    }

    public static long offset(long handle) {
        return handle & OFFSET_MASK;
    }

    /** Bytes handed out to callers (rounded to block sizes). */
    public long usedBytes() {
        return usedBytes;
    }

    /** Bytes obtained from the operating system. */
    public long reservedBytes() {
        return reservedBytes;
    }

    public String tag() {
        return tag;
    }

    /** The size a request of {@code size} bytes really occupies. */
    public static int roundedSize(int size) {
        return size > MAX_SLAB_BLOCK ? size : CLASS_SIZES[classOf(size)];
    }

    @Override
    public void close() {
        for (int i = 0; i < largeArenas.length; i++) {
            if (largeArenas[i] != null) {
                largeArenas[i].close();
            }
        }
        arena.close();
    }

    private long allocateLarge(int size) {
        Arena own = Arena.ofShared();
        int chunk = newChunk(size, LARGE_CLASS, own);
        usedBytes += size;
        return handle(chunk, 0);
    }

    private int newChunk(int size, int cls, Arena own) {
        int index = freeChunkCount > 0 ? freeChunkIndexes[--freeChunkCount] : chunkCount++;
        if (index >= chunks.length) {
            int n = chunks.length * 2;
            chunks = Arrays.copyOf(chunks, n);
            chunkClass = Arrays.copyOf(chunkClass, n);
            largeArenas = Arrays.copyOf(largeArenas, n);
        }
        if ((long) index >= (1L << (63 - OFFSET_BITS))) {
            throw new OutOfMemoryError("slab allocator " + tag + ": chunk index space exhausted");
        }
        chunks[index] = (own != null ? own : arena).allocate(size, 16);
        chunkClass[index] = cls;
        largeArenas[index] = own;
        reservedBytes += size;
        return index;
    }

    private void releaseChunkIndex(int chunk) {
        if (freeChunkCount == freeChunkIndexes.length) {
            freeChunkIndexes = Arrays.copyOf(freeChunkIndexes, freeChunkCount * 2);
        }
        freeChunkIndexes[freeChunkCount++] = chunk;
    }

    private static int chunkSizeFor(int blockSize) {
        // Small classes share 64 KiB chunks so that an idle server stays small; big classes get
        // room for at least 16 blocks.
        int size = Math.max(64 * 1024, blockSize * 16);
        return Math.min(MAX_CHUNK, size - size % blockSize);
    }

    private static int chunkIndex(long handle) {
        return (int) (handle >>> OFFSET_BITS);
    }

    private static long handle(int chunk, long offset) {
        return ((long) chunk << OFFSET_BITS) | offset;
    }

    static int classOf(int size) {
        return CLASS_BY_16[(size + 15) >>> 4];
    }

    private static int[] buildClassSizes() {
        // 16-byte steps to 128, then four classes per power of two (jemalloc's spacing).
        int[] sizes = new int[64];
        int n = 0;
        for (int s = 16; s <= 128; s += 16) {
            sizes[n++] = s;
        }
        for (int base = 128; base < MAX_SLAB_BLOCK; base *= 2) {
            for (int k = 1; k <= 4; k++) {
                sizes[n++] = base + k * base / 4;
            }
        }
        return Arrays.copyOf(sizes, n);
    }

    private static byte[] buildClassIndex() {
        byte[] index = new byte[MAX_SLAB_BLOCK / 16 + 1];
        int cls = 0;
        for (int units = 0; units < index.length; units++) {
            while (CLASS_SIZES[cls] < units * 16) {
                cls++;
            }
            index[units] = (byte) cls;
        }
        return index;
    }
}
