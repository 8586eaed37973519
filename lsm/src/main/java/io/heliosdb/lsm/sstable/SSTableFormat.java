package io.heliosdb.lsm.sstable;

/**
 * The SSTable file layout (all little-endian):
 * <pre>
 * data block*   payload [u8 codec] [u32 rawLength] [u32 crc32c of everything before it in the block]
 *   payload     the raw block (entry* [u32 entryCount]), lz4-compressed when that saves at least 1/8
 *   entry       u32 keyLength, i32 valueLength (-1 tombstone), u64 sequence, key, value
 * index block   (u32 keyLength, u64 sequence, key, u64 blockOffset, u32 blockSize)* per data block,
 *               keyed by the block's last entry; then [u32 count] [u32 crc32c]
 * bloom block   u32 hashes, u32 words, u64 word*, [u32 crc32c]
 * footer        u64 indexOffset, u32 indexSize, u64 bloomOffset, u32 bloomSize, u64 entries,
 *               u64 magic, u32 crc32c of the preceding footer bytes   (44 bytes)
 * </pre>
 * Every block is checked when it is read; a mismatch is reported with the file and offset.
 */
final class SSTableFormat {
    static final long MAGIC = 0x48454C494F535354L; // "HELIOSST"
    static final int FOOTER = 44;
    static final int ENTRY_HEADER = 16;
    static final int TARGET_BLOCK = 4096;
    static final byte RAW = 0;
    static final byte LZ4 = 1;
    /** codec + raw length + crc after a data block's payload */
    static final int BLOCK_TRAILER = 9;

    private SSTableFormat() {}
}
