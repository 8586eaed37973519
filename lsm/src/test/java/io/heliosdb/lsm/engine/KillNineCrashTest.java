package io.heliosdb.lsm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.lsm.io.FileSystem;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** kill -9 of a real writer process at random moments: every acknowledged (synced) write survives. */
class KillNineCrashTest {
    @Test
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        Random r = new Random();
        for (int round = 0; round < 3; round++) {
            Path dir = Files.createTempDirectory("crash");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), CrashWorker.class.getName(), dir.toString()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            AtomicLong acked = new AtomicLong(-1);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("ACK ")) {
                            acked.set(Long.parseLong(line.substring(4)));
                        }
                    }
                } catch (Exception end) {
                    // the process was killed
                }
            });
            reader.start();
            long deadline = System.currentTimeMillis() + 30_000;
            while (acked.get() < 2000 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(r.nextInt(300));
            new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            reader.join(5000);
            long n = acked.get();
            assertTrue(n > 0, "the writer acknowledged nothing");
            LsmEngine.Recovery[] report = new LsmEngine.Recovery[1];
            try (LsmEngine e = LsmEngine.open(FileSystem.REAL, dir, 32 * 1024, x -> report[0] = x)) {
                for (long i = 0; i < n; i++) {
                    assertArrayEquals(("value" + i).getBytes(), e.get(("key" + i).getBytes()),
                            "round " + round + ": acknowledged write " + i + " of " + n + " lost (" + report[0] + ")");
                }
                assertTrue(report[0].tables() >= 1, "the run should have flushed: " + report[0]);
            }
        }
    }
}
