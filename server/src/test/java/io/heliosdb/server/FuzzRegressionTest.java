package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Replays what the argument fuzzer found (src/test/resources/fuzz-regressions/*.txt) against HeliosDB
 * and redis-server, in RESP2 and RESP3, each command after the fuzzer's reset and keys of every type
 * (ArgFuzzRun.SETUP) and compared the same way. Format: "# comment" lines and "> COMMAND args"
 * lines; arguments as in the transcripts ("quoted" with \\xHH escapes) plus repeat(N,c) for N copies
 * of the character c.
 */
class FuzzRegressionTest {
    @Test
    void fuzzerFindingsAnswerAsRedis() throws Exception {
        Path dir = Path.of(getClass().getResource("/fuzz-regressions").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertTrue(!files.isEmpty(), "no regression files in " + dir);
        try (TestServer helios = TestServer.start(); RedisPeer redis = RedisPeer.start()) {
            ArgFuzzRun run = new ArgFuzzRun(helios, redis.port);
            for (Path f : files) {
                List<List<String>> commands = parse(Files.readAllLines(f, StandardCharsets.UTF_8));
                for (int protocol : new int[]{2, 3}) {
                    run.replay(protocol, commands, f.getFileName().toString());
                }
            }
            assertTrue(run.divergences.isEmpty(), run.summary());
        }
    }

    /** Commands pipelined behind a cross-shard one are answered in order (they used to overtake it). */
    @Test
    void pipelinedCommandsAfterCrossShardCommandKeepTheirOrder() throws Exception {
        List<List<String>> batch = List.of(List.of("MSET", "a", "1", "b", "2", "c", "3", "d", "4"), List.of("SET", "a", "x"),
                List.of("DEL", "a", "b", "c", "d"), List.of("SET", "b", "y"), List.of("GET", "b"), List.of("MGET", "a", "b"),
                List.of("GET", "c"));
        try (TestServer helios = TestServer.start(); RedisPeer redis = RedisPeer.start();
             FuzzConn h = new FuzzConn(helios.port(), 5000); FuzzConn r = new FuzzConn(redis.port, 5000)) {
            for (int i = 0; i < 20; i++) {
                assertEquals(render(r.pipeline(ArgFuzzRun.encode(batch))), render(h.pipeline(ArgFuzzRun.encode(batch))));
            }
        }
    }

    private static List<String> render(List<FuzzConn.Reply> replies) {
        return replies.stream().map(FuzzConn.Reply::render).toList();
    }

    static List<List<String>> parse(List<String> lines) {
        List<List<String>> out = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("> ")) {
                out.add(words(line.substring(2)));
            }
        }
        return out;
    }

    static List<String> words(String s) {
        List<String> w = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ') {
                i++;
            } else if (c == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (s.charAt(i) != '"') {
                    char d = s.charAt(i++);
                    if (d == '\\') {
                        char e = s.charAt(i++);
                        switch (e) {
                            case 'n' -> b.append('\n');
                            case 'r' -> b.append('\r');
                            case 'x' -> {
                                b.append((char) Integer.parseInt(s.substring(i, i + 2), 16));
                                i += 2;
                            }
                            default -> b.append(e);
                        }
                    } else {
                        b.append(d);
                    }
                }
                i++;
                w.add(b.toString());
            } else {
                int end = s.indexOf(' ', i);
                String t = s.substring(i, end < 0 ? s.length() : end);
                i = end < 0 ? s.length() : end;
                if (t.startsWith("repeat(") && t.endsWith(")")) {
                    String[] p = t.substring(7, t.length() - 1).split(",", 2);
                    t = p[1].repeat(Integer.parseInt(p[0]));
                }
                w.add(t);
            }
        }
        return w;
    }
}
