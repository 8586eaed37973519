package io.heliosdb.lsm.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.lsm.io.FaultyFileSystem;
import io.heliosdb.lsm.io.FileSystem;
import io.heliosdb.lsm.memtable.MemTable;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** SSTables written from a memtable, read back against a TreeMap model; damage is detected. */
class SSTableTest {
    record Version(byte[] key, long sequence) implements Comparable<Version> {
        @Override
        public int compareTo(Version o) {
            int c = Arrays.compareUnsigned(key, o.key);
            return c != 0 ? c : Long.compare(o.sequence, sequence);
        }
    }

    /** Fills a memtable and the model with random versions; returns the last sequence used. */
    private static long fill(MemTable t, TreeMap<Version, byte[]> model, Random r, int n) {
        long seq = 0;
        for (int i = 0; i < n; i++) {
            byte[] k = ("k" + r.nextInt(n / 3 + 1)).getBytes();
            seq++;
            if (r.nextInt(8) == 0) {
                t.add(MemorySegment.ofArray(k), 0, k.length, seq, null, 0, MemTable.TOMBSTONE);
                model.put(new Version(k, seq), null);
            } else {
                byte[] v = new byte[r.nextInt(r.nextInt(40) == 0 ? 20_000 : 120)];
                r.nextBytes(v);
                t.add(MemorySegment.ofArray(k), 0, k.length, seq, MemorySegment.ofArray(v), 0, v.length);
                model.put(new Version(k, seq), v);
            }
        }
        return seq;
    }

    /** Flushes a memtable the way the engine will: every version, in order. */
    private static void flush(MemTable t, SSTableWriter w) throws Exception {
        for (MemTable.Cursor c = t.cursor(); c.valid(); c.next()) {
            long n = c.node();
            w.add(t.segment(n), t.keyOffset(n), t.keyLength(n), t.sequence(n), t.segment(n), t.valueOffset(n), t.valueLength(n));
        }
        w.finish();
    }

    @Test
    void pointReadsAtAnySnapshotMatchTheModel() throws Exception {
        Path dir = Files.createTempDirectory("sst");
        for (long seed = 1; seed <= 5; seed++) {
            Random r = new Random(seed);
            TreeMap<Version, byte[]> model = new TreeMap<>();
            Path p = dir.resolve("t" + seed + ".sst");
            long last;
            try (MemTable t = new MemTable()) {
                last = fill(t, model, r, 4000);
                flush(t, new SSTableWriter(FileSystem.REAL.open(p)));
            }
            try (SSTableReader reader = SSTableReader.open(FileSystem.REAL.open(p), p.toString())) {
                assertEquals(model.size(), reader.entries());
                assertTrue(reader.blocks() > 10, "expected many blocks, got " + reader.blocks());
                for (int i = 0; i < 4000; i++) {
                    byte[] k = ("k" + r.nextInt(1500)).getBytes();
                    long snapshot = r.nextLong(last + 1);
                    Map.Entry<Version, byte[]> e = model.ceilingEntry(new Version(k, snapshot));
                    SSTableReader.Entry got = reader.get(k, snapshot);
                    if (e == null || !Arrays.equals(e.getKey().key, k)) {
                        assertNull(got, "found a version the model does not have");
                    } else {
                        assertEquals(e.getKey().sequence, got.sequence());
                        if (e.getValue() == null) {
                            assertTrue(got.tombstone());
                        } else {
                            assertArrayEquals(e.getValue(), got.value());
                        }
                    }
                }
                // Every block read back in order equals the model's order.
                var it = model.entrySet().iterator();
                for (int b = 0; b < reader.blocks(); b++) {
                    for (SSTableReader.Entry e : reader.block(b)) {
                        var m = it.next();
                        assertArrayEquals(m.getKey().key, e.key());
                        assertEquals(m.getKey().sequence, e.sequence());
                    }
                }
                assertTrue(!it.hasNext());
            }
        }
    }

    @Test
    void aFlippedBitInADataBlockIsReportedWithItsOffsetNotServed() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        Path p = Path.of("/d/t.sst");
        TreeMap<Version, byte[]> model = new TreeMap<>();
        try (MemTable t = new MemTable()) {
            fill(t, model, new Random(9), 2000);
            flush(t, new SSTableWriter(fs.open(p)));
        }
        long damaged;
        try (SSTableReader reader = SSTableReader.open(fs.open(p), "t.sst")) {
            damaged = reader.blockOffset(3);
        }
        fs.flipBit(p, damaged + 20, 1);
        try (SSTableReader reader = SSTableReader.open(fs.open(p), "t.sst")) {
            CorruptSSTableException e = assertThrows(CorruptSSTableException.class, () -> reader.block(3));
            assertTrue(e.getMessage().contains("offset " + damaged), e.getMessage());
            reader.block(2); // other blocks still serve
        }
    }

    @Test
    void aDamagedFooterIsRefusedAtOpen() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        Path p = Path.of("/d/f.sst");
        try (MemTable t = new MemTable()) {
            fill(t, new TreeMap<>(), new Random(3), 100);
            flush(t, new SSTableWriter(fs.open(p)));
        }
        fs.flipBit(p, fs.size(p) - 10, 0);
        assertThrows(CorruptSSTableException.class, () -> SSTableReader.open(fs.open(p), "f.sst"));
    }

    @Test
    void entriesOutOfOrderAreRefused() throws Exception {
        SSTableWriter w = new SSTableWriter(new FaultyFileSystem().open(Path.of("/d/o.sst")));
        byte[] b = "b".getBytes(), a = "a".getBytes();
        w.add(MemorySegment.ofArray(b), 0, 1, 5, MemorySegment.ofArray(b), 0, 1);
        assertThrows(IllegalArgumentException.class, () -> w.add(MemorySegment.ofArray(a), 0, 1, 6, MemorySegment.ofArray(a), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> w.add(MemorySegment.ofArray(b), 0, 1, 7, MemorySegment.ofArray(b), 0, 1));
    }

    @Test
    void compressibleBlocksAreStoredCompressedAndReadBackExactly() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        Path p = Path.of("/d/z.sst");
        long rawBytes = 0;
        try (MemTable t = new MemTable()) {
            for (int i = 0; i < 2000; i++) {
                byte[] k = String.format("key:%08d", i).getBytes();
                byte[] v = ("the same words again and again " + (i % 7)).repeat(4).getBytes();
                rawBytes += k.length + v.length + 16;
                t.add(MemorySegment.ofArray(k), 0, k.length, i + 1, MemorySegment.ofArray(v), 0, v.length);
            }
            flush(t, new SSTableWriter(fs.open(p)));
        }
        assertTrue(fs.size(p) < rawBytes / 2, "expected lz4 to at least halve " + rawBytes + " bytes, file is " + fs.size(p));
        try (SSTableReader reader = SSTableReader.open(fs.open(p), "z.sst")) {
            for (int i = 0; i < 2000; i += 13) {
                SSTableReader.Entry e = reader.get(String.format("key:%08d", i).getBytes(), Long.MAX_VALUE);
                assertArrayEquals(("the same words again and again " + (i % 7)).repeat(4).getBytes(), e.value());
            }
        }
    }
}
