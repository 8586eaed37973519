package io.heliosdb.lsm.wal;

import io.heliosdb.lsm.io.FileSystem;
import io.heliosdb.lsm.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The write-ahead log of one shard: segments {@code wal-<seq>.log} of records
 * {@code [u32 length][u32 crc32c(length, payload)][payload]} (little-endian).
 *
 * <p>Group commit: {@link #append} only gathers records in memory; {@link #commit} writes everything
 * gathered since the last commit with one write and, when asked, one sync. The caller acknowledges
 * writes only after the commit that carries them returned (after its sync in {@code always} mode).
 *
 * <p>Recovery ({@link #open}): segments are replayed in order. In the last segment the first record
 * that is incomplete or fails its CRC ends the log (a torn tail from a crash): the segment is
 * truncated there and the offset reported. An invalid record in an older segment means the medium
 * lost synced data: that is refused ({@link CorruptWalException}), never skipped.
 *
 * <p>Owned by one shard thread; not thread-safe.
 */
public final class WriteAheadLog implements AutoCloseable {
    static final int HEADER = 8;
    /** Largest payload accepted (Redis' proto-max-bulk-len plus room for the record's framing). */
    public static final int MAX_PAYLOAD = 512 * 1024 * 1024 + 4096;

    private final FileSystem fs;
    private final Path dir;
    private volatile StorageFile file; // volatile: the everysec syncer reads it from its own thread
    private volatile long segment; // volatile: prepareNextSegment reads it on the background thread
    private volatile long end; // end of the last committed record in the current segment (INFO reads it)
    private ByteBuffer pending = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private int pendingRecords;
    private final CRC32C crc = new CRC32C();

    /** What recovery found. {@code truncatedAt} is -1 when the log ended cleanly. */
    public record Recovery(int segments, long records, long truncatedSegment, long truncatedAt, long bytesDropped) {}

    private WriteAheadLog(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    /** Opens the log in {@code dir}, replaying every record into {@code replay} first. */
    public static WriteAheadLog open(FileSystem fs, Path dir, Consumer<ByteBuffer> replay, Consumer<Recovery> report) throws IOException {
        fs.createDirectories(dir);
        WriteAheadLog wal = new WriteAheadLog(fs, dir);
        List<Path> segments = segments(fs, dir);
        long records = 0;
        long truncatedSegment = -1, truncatedAt = -1, dropped = 0;
        for (int i = 0; i < segments.size(); i++) {
            Path p = segments.get(i);
            boolean last = i == segments.size() - 1;
            StorageFile f = fs.open(p);
            long size = f.size();
            long pos = 0;
            while (true) {
                long next = readRecord(f, pos, size, replay, wal.crc);
                if (next < 0) {
                    break;
                }
                pos = next;
                records++;
            }
            if (pos < size && allZero(f, pos, size)) {
                // Zero-filled space prepared ahead of the writes (see prepareNextSegment): a clean end.
                if (last) {
                    wal.file = f;
                    wal.segment = sequenceOf(p);
                    wal.end = pos;
                    wal.preparedSegment = wal.segment; // keep writing into the prepared space
                    continue;
                }
                f.close();
                continue;
            }
            if (pos < size) {
                if (!last) {
                    f.close();
                    throw new CorruptWalException("write-ahead log " + p + " is damaged at offset " + pos
                            + " (an older, synced segment): refusing to start rather than lose what follows");
                }
                f.truncate(pos);
                f.sync();
                truncatedSegment = sequenceOf(p);
                truncatedAt = pos;
                dropped = size - pos;
            }
            if (last) {
                wal.file = f;
                wal.segment = sequenceOf(p);
                wal.end = pos;
            } else {
                f.close();
            }
        }
        if (wal.file == null) {
            wal.startSegment(1);
        }
        report.accept(new Recovery(segments.size(), records, truncatedSegment, truncatedAt, dropped));
        return wal;
    }

    /** True when every byte of [from, to) is zero. */
    private static boolean allZero(StorageFile f, long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long p = from;
        while (p < to) {
            buf.clear().limit((int) Math.min(buf.capacity(), to - p));
            int n = f.read(buf, p);
            if (n <= 0) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (buf.get(i) != 0) {
                    return false;
                }
            }
            p += n;
        }
        return true;
    }

    // ---- preallocation ---------------------------------------------------------------------------

    /**
     * Zero-filled size of the segments prepared ahead (0 = off). A sync of data written into space
     * that is already allocated and zeroed changes no file metadata, so fdatasync need not commit
     * the file system's journal: about twice as fast per sync here (PostgreSQL zero-fills its WAL
     * segments for the same reason).
     */
    private volatile long preallocateBytes;
    private volatile long preparedSegment = -1;
    private final Object prepLock = new Object();

    public void preallocate(long bytes) {
        preallocateBytes = bytes;
    }

    /**
     * Zero-fills and syncs the segment after the current one, so the rotation finds it ready. Runs
     * on a background thread; the owner's rotation waits for a fill in progress (it never writes
     * into a half-filled segment). A crash leaves a zero-filled segment, which recovery reads as a
     * clean, empty end.
     */
    public void prepareNextSegment() throws IOException {
        long bytes = preallocateBytes;
        long next = segment + 1;
        if (bytes <= 0 || preparedSegment >= next) {
            return;
        }
        synchronized (prepLock) {
            if (segment + 1 != next) {
                return; // rotated meanwhile; the next call prepares the new next one
            }
            try (StorageFile f = fs.open(segmentPath(next))) {
                f.truncate(0);
                ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
                for (long p = 0; p < bytes; p += zeros.capacity()) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - p));
                    f.write(zeros, p);
                }
                f.sync();
            }
            fs.syncDirectory(dir);
            preparedSegment = next;
        }
    }

    private Path segmentPath(long seq) {
        return dir.resolve(String.format("wal-%016d.log", seq));
    }

    /**
     * Reads the record at {@code pos}; returns the offset after it, or -1 if there is no complete,
     * valid record there.
     */
    private static long readRecord(StorageFile f, long pos, long size, Consumer<ByteBuffer> replay, CRC32C crc) throws IOException {
        if (size - pos < HEADER) {
            return -1;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        readFully(f, header, pos);
        int length = header.getInt(0);
        int expected = header.getInt(4);
        if (length < 0 || length > MAX_PAYLOAD || size - pos - HEADER < length) {
            return -1;
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(f, payload, pos + HEADER);
        crc.reset();
        crc.update(header.array(), 0, 4);
        crc.update(payload.array(), 0, length);
        if ((int) crc.getValue() != expected) {
            return -1;
        }
        replay.accept(payload.asReadOnlyBuffer()); // readFully already flipped it
        return pos + HEADER + length;
    }

    private static void readFully(StorageFile f, ByteBuffer dst, long pos) throws IOException {
        long p = pos;
        while (dst.hasRemaining()) {
            int n = f.read(dst, p);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            p += n;
        }
        dst.flip();
    }

    /** Gathers a record for the next {@link #commit}. */
    public void append(ByteBuffer payload) {
        append(payload, null);
    }

    /** Gathers one record made of {@code head} followed by {@code tail} (may be null), without joining them first. */
    public void append(ByteBuffer head, ByteBuffer tail) {
        long total = (long) head.remaining() + (tail == null ? 0 : tail.remaining());
        if (total > MAX_PAYLOAD) {
            throw new IllegalArgumentException("record of " + total + " bytes exceeds " + MAX_PAYLOAD);
        }
        int length = (int) total;
        ensurePending(HEADER + length);
        int start = pending.position();
        pending.putInt(length);
        pending.putInt(0); // CRC, filled below
        pending.put(head.duplicate());
        if (tail != null) {
            pending.put(tail.duplicate());
        }
        crc.reset();
        ByteBuffer view = pending.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        view.limit(pending.position()).position(start);
        ByteBuffer lengthBytes = view.duplicate().limit(start + 4);
        crc.update(lengthBytes);
        ByteBuffer body = view.duplicate().position(start + HEADER);
        crc.update(body);
        pending.putInt(start + 4, (int) crc.getValue());
        pendingRecords++;
    }

    private void ensurePending(int extra) {
        if (pending.remaining() < extra) {
            int size = Math.max(pending.capacity() * 2, pending.position() + extra);
            ByteBuffer bigger = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
            pending.flip();
            bigger.put(pending);
            pending = bigger;
        }
    }

    /** Records gathered and not yet committed. */
    public int pendingRecords() {
        return pendingRecords;
    }

    /**
     * Writes every gathered record with one write, then syncs if {@code sync}. On an I/O error
     * (ENOSPC, ...) the gathered records are dropped and the segment is cut back to the last
     * committed record, so a later commit never follows a partial one; the error is rethrown and
     * the caller must not acknowledge those writes.
     */
    public void commit(boolean sync) throws IOException {
        if (pendingRecords > 0) {
            pending.flip();
            int n = pending.remaining();
            try {
                file.write(pending, end);
            } catch (IOException e) {
                pending.clear();
                pendingRecords = 0;
                try {
                    file.truncate(end);
                } catch (IOException ignored) {
                    // the next open truncates the torn tail anyway
                }
                throw e;
            }
            end += n;
            pending.clear();
            pendingRecords = 0;
        }
        if (sync) {
            file.sync();
        }
    }

    /** Makes committed records durable (a checkpoint). Owner thread. */
    public void sync() throws IOException {
        file.sync();
    }

    /**
     * Makes committed records durable from another thread (Redis' everysec fsync runs off the
     * event loop too). A segment closed by a rotation meanwhile was synced by that rotation.
     */
    public void syncFromAnyThread() throws IOException {
        try {
            file.sync();
        } catch (ClosedChannelException rotated) {
            // rotate() synced it before closing
        }
    }

    /**
     * Bytes of log records on disk: finished segments plus what is committed in the current one
     * (zero-filled space prepared ahead does not count). Any thread (a racy snapshot for INFO).
     */
    public long recordBytes() throws IOException {
        long current = segment;
        long n = end;
        for (Path p : segments(fs, dir)) {
            if (sequenceOf(p) < current) {
                try {
                    n += Files.size(p);
                } catch (NoSuchFileException gone) {
                    // flushed and deleted since the listing
                }
            }
        }
        return n;
    }

    /** Commits, syncs and continues in a new segment; returns the finished segment's number. */
    public long rotate() throws IOException {
        commit(true);
        long finished = segment;
        if (file.size() > end) {
            file.truncate(end); // give back the unused prepared space
        }
        file.close();
        startSegment(finished + 1);
        return finished;
    }

    /** Deletes the segments before {@code segment} (their contents are safely elsewhere, e.g. flushed). */
    public void deleteSegmentsBefore(long segment) throws IOException {
        for (Path p : segments(fs, dir)) {
            if (sequenceOf(p) < segment) {
                fs.delete(p);
            }
        }
    }

    public long segment() {
        return segment;
    }

    /** Bytes committed to the current segment. */
    public long committedBytes() {
        return end;
    }

    private void startSegment(long seq) throws IOException {
        synchronized (prepLock) { // a fill of this segment in progress finishes first
            segment = seq;
            file = fs.open(segmentPath(seq));
            end = 0;
            if (preparedSegment != seq) {
                file.truncate(0);
                fs.syncDirectory(dir); // the new segment's name must survive a power loss too
            }
        }
    }

    private static List<Path> segments(FileSystem fs, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : fs.list(dir)) {
            String n = p.getFileName().toString();
            if (n.startsWith("wal-") && n.endsWith(".log")) {
                out.add(p);
            }
        }
        out.sort((a, b) -> Long.compare(sequenceOf(a), sequenceOf(b)));
        return out;
    }

    private static long sequenceOf(Path p) {
        String n = p.getFileName().toString();
        return Long.parseLong(n.substring(4, n.length() - 4));
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
