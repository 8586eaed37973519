package io.heliosdb.lsm.engine;

import io.heliosdb.lsm.io.FileSystem;
import java.nio.file.Path;

/**
 * Child process of {@link KillNineCrashTest}: writes key i = value i forever on the real disk,
 * committing with fsync every few writes, and prints "ACK n" once writes 0..n-1 are durable.
 * A small memtable makes flushes and compactions happen while it runs.
 */
public final class CrashWorker {
    private CrashWorker() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (LsmEngine e = LsmEngine.open(FileSystem.REAL, dir, 32 * 1024, x -> { })) {
            long i = 0;
            while (true) {
                for (int n = 0; n < 1 + (int) (i % 7); n++, i++) {
                    e.put(("key" + i).getBytes(), ("value" + i).getBytes());
                }
                e.commit(true); // group commit, synced: only now may the writes be acknowledged
                System.out.println("ACK " + i);
                System.out.flush();
            }
        }
    }
}
