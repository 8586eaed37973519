package io.heliosdb.benchmarks;

import io.heliosdb.lsm.engine.LsmEngine;
import io.heliosdb.lsm.io.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * HeliosDB's LSM engine and RocksDB side by side in one JMH run, db_bench style (issue 3):
 * WAL on without a sync per write for both, 16-byte keys, 100-byte values, 64 MiB memtable / write
 * buffer, 64 MiB block cache, flushes and compactions in the background, lz4 blocks. Before each
 * trial 1,000,000 keys are loaded and flushed, so reads go through tables, not only the memtable.
 * <ul>
 *   <li>fillrandom: put a random key;</li>
 *   <li>readrandom: get a random loaded key;</li>
 *   <li>readwhilewriting: four gets of loaded keys and one put of a random key per operation (our
 *   engine has one owner thread, so reads and writes interleave on it rather than running on
 *   separate threads as in db_bench; RocksDB runs the same single-threaded mix);</li>
 *   <li>seekrandom: seek to a random loaded key and read the next 10 entries.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class LsmVsRocksDbBenchmark {
    private static final int LOADED = 1_000_000;
    private static final long MEMTABLE = 64L << 20;
    private static final long CACHE = 64L << 20;

    @Param({"heliosdb", "rocksdb"})
    public String engine;

    private LsmEngine helios;
    private RocksDB rocks;
    private Options rocksOptions;
    private WriteOptions rocksWrite;
    private LRUCache rocksCache;
    private final SplittableRandom random = new SplittableRandom(42);
    private final byte[] value = new byte[100];
    private final byte[] key = new byte[16];

    @Setup(Level.Trial)
    public void open() throws Exception {
        Path dir = Files.createTempDirectory("lsm-bench-" + engine);
        random.nextBytes(value);
        if (engine.equals("heliosdb")) {
            LsmEngine.Options o = new LsmEngine.Options().memtableBytes(MEMTABLE).cacheBytes(CACHE).background(true);
            helios = LsmEngine.open(FileSystem.REAL, dir, o, x -> { });
        } else {
            RocksDB.loadLibrary();
            rocksCache = new LRUCache(CACHE);
            rocksOptions = new Options().setCreateIfMissing(true).setWriteBufferSize(MEMTABLE)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(rocksCache));
            rocks = RocksDB.open(rocksOptions, dir.toString());
            rocksWrite = new WriteOptions().setSync(false).setDisableWAL(false);
        }
        for (int i = 0; i < LOADED; i++) {
            put(loadedKey(i));
        }
        if (helios != null) {
            helios.commit(false);
            helios.flush(); // the load is in tables (leveled, compacted) before measuring
        } else {
            try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
                rocks.flush(f);
            }
        }
    }

    private static byte[] loadedKey(int i) {
        byte[] k = new byte[16];
        for (int j = 15; j >= 0; j--) {
            k[j] = (byte) ('0' + i % 10);
            i /= 10;
        }
        return k;
    }

    private void put(byte[] k) throws Exception {
        if (helios != null) {
            helios.put(k, value);
            helios.commit(false); // written to the log (no fsync), like RocksDB's WAL write per put
        } else {
            rocks.put(rocksWrite, k, value);
        }
    }

    private int get(byte[] k) throws Exception {
        byte[] v = helios != null ? helios.get(k) : rocks.get(k);
        return v == null ? 0 : v.length;
    }

    @Benchmark
    public void fillrandom() throws Exception {
        random.nextBytes(key);
        put(key);
    }

    @Benchmark
    public int readrandom() throws Exception {
        return get(loadedKey(random.nextInt(LOADED)));
    }

    @Benchmark
    public int readwhilewriting() throws Exception {
        int n = 0;
        for (int i = 0; i < 4; i++) {
            n += get(loadedKey(random.nextInt(LOADED)));
        }
        random.nextBytes(key);
        put(key);
        return n;
    }

    @Benchmark
    public int seekrandom() throws Exception {
        byte[] from = loadedKey(random.nextInt(LOADED));
        int n = 0;
        if (helios != null) {
            List<byte[][]> got = helios.scan(from, null, 10);
            for (byte[][] kv : got) {
                n += kv[1].length;
            }
        } else {
            try (RocksIterator it = rocks.newIterator()) {
                it.seek(from);
                for (int i = 0; i < 10 && it.isValid(); i++, it.next()) {
                    n += it.value().length;
                }
            }
        }
        return n;
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        if (helios != null) {
            helios.close();
        } else {
            rocks.close();
            rocksOptions.close();
            rocksWrite.close();
            rocksCache.close();
        }
    }
}
