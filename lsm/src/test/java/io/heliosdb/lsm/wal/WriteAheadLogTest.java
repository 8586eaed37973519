package io.heliosdb.lsm.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.lsm.io.FaultyFileSystem;
import io.heliosdb.lsm.io.FileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WriteAheadLogTest {
    private static final Path DIR = Path.of("/wal");

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static List<byte[]> replayAll(FileSystem fs, Path dir, WriteAheadLog.Recovery[] report) throws IOException {
        List<byte[]> out = new ArrayList<>();
        WriteAheadLog wal = WriteAheadLog.open(fs, dir, b -> out.add(bytes(b)), r -> report[0] = r);
        wal.close();
        return out;
    }

    private static byte[] record(Random r) {
        byte[] b = new byte[r.nextInt(10) == 0 ? r.nextInt(70_000) : r.nextInt(200)];
        r.nextBytes(b);
        return b;
    }

    @Test
    void recordsRoundTripThroughTheRealFileSystem() throws Exception {
        Path dir = Files.createTempDirectory("wal");
        Random r = new Random(1);
        List<byte[]> written = new ArrayList<>();
        try (WriteAheadLog wal = WriteAheadLog.open(FileSystem.REAL, dir, b -> { }, x -> { })) {
            for (int i = 0; i < 500; i++) {
                byte[] rec = record(r);
                written.add(rec);
                wal.append(ByteBuffer.wrap(rec));
                if (i % 37 == 0) {
                    wal.commit(i % 2 == 0);
                }
                if (i == 250) {
                    wal.rotate();
                }
            }
            wal.commit(true);
        }
        WriteAheadLog.Recovery[] report = new WriteAheadLog.Recovery[1];
        List<byte[]> read = replayAll(FileSystem.REAL, dir, report);
        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++) {
            assertArrayEquals(written.get(i), read.get(i), "record " + i);
        }
        assertEquals(-1, report[0].truncatedAt());
        assertEquals(2, report[0].segments());
    }

    /**
     * Model: after any crash the log replays every record whose commit was synced, in order, then
     * possibly some later committed records (a prefix of them), and never anything else.
     */
    @Test
    void crashesKeepEverySyncedRecordAndNeverInventOne() throws Exception {
        for (long seed = 1; seed <= 30; seed++) {
            Random r = new Random(seed);
            FaultyFileSystem fs = new FaultyFileSystem();
            List<byte[]> durable = new ArrayList<>();   // replayed or synced: must survive
            List<byte[]> unsynced = new ArrayList<>();  // committed, not yet synced: may survive as a prefix
            List<byte[]> gathered = new ArrayList<>();  // appended, not committed: lost by a crash
            WriteAheadLog wal = WriteAheadLog.open(fs, DIR, b -> { }, x -> { });
            for (int step = 0; step < 300; step++) {
                int op = r.nextInt(20);
                if (op < 12) {
                    int n = 1 + r.nextInt(5);
                    List<byte[]> batch = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        byte[] rec = record(r);
                        batch.add(rec);
                        wal.append(ByteBuffer.wrap(rec));
                    }
                    boolean sync = r.nextBoolean();
                    wal.commit(sync);
                    unsynced.addAll(gathered);
                    gathered.clear();
                    unsynced.addAll(batch);
                    if (sync) {
                        durable.addAll(unsynced);
                        unsynced.clear();
                    }
                } else if (op < 14) {
                    wal.sync();
                    durable.addAll(unsynced);
                    unsynced.clear();
                } else if (op < 15) {
                    wal.rotate();
                    durable.addAll(unsynced);
                    durable.addAll(gathered); // rotation commits what was gathered, synced
                    unsynced.clear();
                    gathered.clear();
                } else if (op < 17) {
                    wal.close();
                    fs.crash(r);
                    WriteAheadLog.Recovery[] report = new WriteAheadLog.Recovery[1];
                    List<byte[]> replayed = new ArrayList<>();
                    wal = WriteAheadLog.open(fs, DIR, b -> replayed.add(bytes(b)), x -> report[0] = x);
                    assertTrue(replayed.size() >= durable.size(), "seed " + seed + ": lost synced records");
                    assertTrue(replayed.size() <= durable.size() + unsynced.size(), "seed " + seed + ": invented records");
                    for (int i = 0; i < replayed.size(); i++) {
                        byte[] expected = i < durable.size() ? durable.get(i) : unsynced.get(i - durable.size());
                        assertArrayEquals(expected, replayed.get(i), "seed " + seed + " record " + i);
                    }
                    durable = replayed; // what survived is now the log
                    unsynced = new ArrayList<>();
                    gathered.clear(); // never committed: gone with the crash
                } else {
                    byte[] rec = record(r); // gathered for a later commit
                    wal.append(ByteBuffer.wrap(rec));
                    gathered.add(rec);
                    assertEquals(gathered.size(), wal.pendingRecords());
                }
            }
            wal.close();
        }
    }

    @Test
    void aFlippedBitInTheLastSegmentEndsTheLogThere() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        long[] offsets = new long[10];
        try (WriteAheadLog wal = WriteAheadLog.open(fs, DIR, b -> { }, x -> { })) {
            for (int i = 0; i < 10; i++) {
                offsets[i] = wal.committedBytes();
                wal.append(ByteBuffer.wrap(("record-" + i).getBytes()));
                wal.commit(true);
            }
        }
        Path segment = DIR.resolve(String.format("wal-%016d.log", 1));
        fs.flipBit(segment, offsets[5] + WriteAheadLog.HEADER + 2, 3);
        WriteAheadLog.Recovery[] report = new WriteAheadLog.Recovery[1];
        List<byte[]> read = replayAll(fs, DIR, report);
        assertEquals(5, read.size());
        assertEquals("record-4", new String(read.get(4)));
        assertEquals(offsets[5], report[0].truncatedAt());
        assertEquals(offsets[5], fs.size(segment), "the damaged tail is cut off");
    }

    @Test
    void aDamagedOlderSegmentIsRefusedNotSkipped() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        try (WriteAheadLog wal = WriteAheadLog.open(fs, DIR, b -> { }, x -> { })) {
            wal.append(ByteBuffer.wrap("old".getBytes()));
            wal.rotate();
            wal.append(ByteBuffer.wrap("new".getBytes()));
            wal.commit(true);
        }
        fs.flipBit(DIR.resolve(String.format("wal-%016d.log", 1)), WriteAheadLog.HEADER, 0);
        CorruptWalException e = assertThrows(CorruptWalException.class, () -> replayAll(fs, DIR, new WriteAheadLog.Recovery[1]));
        assertTrue(e.getMessage().contains("offset 0"), e.getMessage());
    }

    @Test
    void diskFullFailsTheCommitAndDamagesNothingCommitted() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        WriteAheadLog wal = WriteAheadLog.open(fs, DIR, b -> { }, x -> { });
        wal.append(ByteBuffer.wrap("before".getBytes()));
        wal.commit(true);
        fs.setFreeBytes(20); // the next batch does not fit: a partial write, then ENOSPC
        wal.append(ByteBuffer.wrap(new byte[100]));
        assertThrows(IOException.class, () -> wal.commit(true));
        fs.setFreeBytes(Long.MAX_VALUE); // space comes back: writing resumes
        wal.append(ByteBuffer.wrap("after".getBytes()));
        wal.commit(true);
        wal.close();
        List<byte[]> read = replayAll(fs, DIR, new WriteAheadLog.Recovery[1]);
        assertEquals(List.of("before", "after"), read.stream().map(String::new).toList());
    }

    @Test
    void oldSegmentsCanBeDeletedAfterRotation() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        try (WriteAheadLog wal = WriteAheadLog.open(fs, DIR, b -> { }, x -> { })) {
            wal.append(ByteBuffer.wrap("a".getBytes()));
            long finished = wal.rotate();
            wal.append(ByteBuffer.wrap("b".getBytes()));
            wal.commit(true);
            wal.deleteSegmentsBefore(finished + 1);
        }
        assertEquals(List.of("b"), replayAll(fs, DIR, new WriteAheadLog.Recovery[1]).stream().map(String::new).toList());
    }

    /**
     * Zero-filled segments prepared ahead: records go into the prepared space, a crash leaves zero
     * tails (in the last and in an older segment) that recovery reads as clean ends, a torn record
     * inside the prepared space is cut off like any torn tail, and nothing acknowledged is lost.
     */
    @Test
    void preparedZeroFilledSegmentsRecoverCleanlyAndTornTailsInsideThemAreCut() throws Exception {
        Path dir = Files.createTempDirectory("wal-prealloc");
        Random r = new Random(3);
        List<byte[]> written = new ArrayList<>();
        WriteAheadLog wal = WriteAheadLog.open(FileSystem.REAL, dir, b -> { }, x -> { });
        wal.preallocate(256 * 1024);
        wal.prepareNextSegment();
        wal.rotate(); // now writing into prepared space
        for (int i = 0; i < 300; i++) {
            byte[] rec = record(r);
            written.add(rec);
            wal.append(ByteBuffer.wrap(rec));
            if (i % 10 == 0) {
                wal.commit(true);
            }
            if (i == 150) {
                wal.prepareNextSegment(); // a crash below leaves this segment's zero tail "older"
            }
        }
        wal.commit(true);
        // Crash without close: the current segment keeps its zero tail, the prepared next one is all zeros.
        WriteAheadLog.Recovery[] report = new WriteAheadLog.Recovery[1];
        List<byte[]> replayed = replayAll(FileSystem.REAL, dir, report);
        assertEquals(written.size(), replayed.size());
        for (int i = 0; i < written.size(); i++) {
            assertArrayEquals(written.get(i), replayed.get(i));
        }
        assertEquals(-1, report[0].truncatedAt(), "zero-filled space is a clean end, not a torn tail");
        // A torn record inside the prepared space: garbage after the last record, zeros after it.
        Path last;
        try (var files = Files.list(dir)) {
            last = files.filter(p -> p.getFileName().toString().startsWith("wal-")).sorted().toList().getLast();
        }
        try (WriteAheadLog again = WriteAheadLog.open(FileSystem.REAL, dir, b -> { }, x -> { })) {
            again.append(ByteBuffer.wrap(new byte[]{1, 2, 3}));
            again.commit(true);
        }
        written.add(new byte[]{1, 2, 3});
        long size = Files.size(last);
        try (var ch = java.nio.channels.FileChannel.open(last, java.nio.file.StandardOpenOption.WRITE)) {
            long at = findFirstZeroRun(last);
            ch.write(ByteBuffer.wrap(new byte[]{9, 0, 0, 0, 7, 7}), at); // a record header that never completed
        }
        assertEquals(size, Files.size(last));
        replayed = replayAll(FileSystem.REAL, dir, report);
        assertEquals(written.size(), replayed.size(), "every committed record survives");
        assertTrue(report[0].truncatedAt() > 0, "the torn record is cut off");
    }

    /** Offset where the zero-filled tail of a segment begins (after its last record). */
    private static long findFirstZeroRun(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        return end + 16; // past any zero bytes a last record may end with
    }
}
