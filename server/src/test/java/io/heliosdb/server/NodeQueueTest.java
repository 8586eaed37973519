package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A BullMQ-style job queue written with the npm ioredis client, run by node against a real server
 * (src/test/node/queue): producers add jobs through a Lua script, workers take them with BLMOVE and
 * finish them through another script, and a listener follows the event stream with a consumer
 * group. The script exits 0 only when every job was completed exactly once and every event seen.
 * ioredis is installed from npm into target/node-queue on first use.
 */
class NodeQueueTest {
    @Test
    void bullmqStyleQueueOnIoredisLosesAndRepeatsNoJob() throws Exception {
        Path work = Path.of("target", "node-queue");
        Files.createDirectories(work);
        for (String f : List.of("package.json", "queue-test.js")) {
            Files.copy(Path.of("src", "test", "node", "queue", f), work.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(work.resolve("node_modules").resolve("ioredis"))) {
            Result npm = run(work, 300, "npm", "install", "--no-audit", "--no-fund");
            assertEquals(0, npm.exit, "npm install ioredis failed:\n" + npm.output);
        }
        try (TestServer server = TestServer.start()) {
            Result r = run(work, 180, "node", "queue-test.js", Integer.toString(server.port()), "4", "500", "6");
            assertEquals(0, r.exit, "queue test failed:\n" + r.output);
            assertTrue(r.output.contains("\"completed\":2000"), r.output);
        }
    }

    private record Result(int exit, String output) {}

    private static Result run(Path dir, int timeoutSeconds, String... command) throws Exception {
        File log = Files.createTempFile("node-queue", ".log").toFile();
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log.toPath(), StandardCharsets.UTF_8));
        }
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        log.delete();
        return new Result(p.exitValue(), out);
    }
}
