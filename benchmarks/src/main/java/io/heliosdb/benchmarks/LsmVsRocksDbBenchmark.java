package io.heliosdb.benchmarks;

import io.heliosdb.lsm.engine.LsmEngine;
import io.heliosdb.lsm.io.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/**
 * HeliosDB's LSM engine and RocksDB side by side in one JMH run (issue 3's db_bench-style targets):
 * WAL on without a sync per write for both, 16-byte keys, 100-byte values, 64 MiB memtable / write
 * buffer, one thread. fillrandom: put a random key; readrandom: get a random key of 200,000 loaded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class LsmVsRocksDbBenchmark {
    private static final int LOADED = 200_000;

    @Param({"heliosdb", "rocksdb"})
    public String engine;

    private LsmEngine helios;
    private RocksDB rocks;
    private Options rocksOptions;
    private WriteOptions rocksWrite;
    private final SplittableRandom random = new SplittableRandom(42);
    private final byte[] value = new byte[100];
    private final byte[] key = new byte[16];

    @Setup(Level.Trial)
    public void open() throws Exception {
        Path dir = Files.createTempDirectory("lsm-bench-" + engine);
        random.nextBytes(value);
        if (engine.equals("heliosdb")) {
            helios = LsmEngine.open(FileSystem.REAL, dir, 64L << 20, x -> { });
        } else {
            RocksDB.loadLibrary();
            rocksOptions = new Options().setCreateIfMissing(true).setWriteBufferSize(64L << 20);
            rocks = RocksDB.open(rocksOptions, dir.toString());
            rocksWrite = new WriteOptions().setSync(false).setDisableWAL(false);
        }
        for (int i = 0; i < LOADED; i++) {
            put(loadedKey(i));
        }
        flushPending();
    }

    private byte[] loadedKey(int i) {
        byte[] k = new byte[16];
        String s = String.format("%016d", i);
        for (int j = 0; j < 16; j++) {
            k[j] = (byte) s.charAt(j);
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

    private void flushPending() throws Exception {
        if (helios != null) {
            helios.commit(false);
        }
    }

    @Benchmark
    public void fillrandom() throws Exception {
        random.nextBytes(key);
        put(key);
    }

    @Benchmark
    public int readrandom() throws Exception {
        byte[] k = loadedKey(random.nextInt(LOADED));
        byte[] v = helios != null ? helios.get(k) : rocks.get(k);
        return v == null ? 0 : v.length;
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        if (helios != null) {
            helios.close();
        } else {
            rocks.close();
            rocksOptions.close();
            rocksWrite.close();
        }
    }
}
