package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the golden transcripts in src/test/resources/transcripts against a real server over a
 * socket, once in RESP2 and once in RESP3. Format, one item per line:
 * <pre>
 *   # comment
 *   > COMMAND arg "quoted arg"     send, then read one reply
 *   >> COMMAND ...                 send, read nothing (CLIENT REPLY OFF and the like)
 *   raw *1\r\n$4\r\nPING\r\n        send raw bytes (\r \n \xHH escapes), read nothing
 *   +OK                             expected reply (both protocols), in RawClient's rendering
 *   @2 ...  /  @3 ...               expected reply for one protocol only
 *   re:REGEX                        reply must match the regular expression
 *   closed                          the server must have closed the connection
 *   sleep MS
 * </pre>
 * Also fails when a command the server implements appears in no transcript.
 */
class TranscriptTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("--enable-debug-command", "local"); // the transcripts were recorded with DEBUG on
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<Path> transcripts() throws IOException, URISyntaxException {
        Path dir = Path.of(TranscriptTest.class.getResource("/transcripts").toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> transcriptsReplayUnderResp2AndResp3() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path p : transcripts()) {
            for (int proto : new int[]{2, 3}) {
                tests.add(DynamicTest.dynamicTest(p.getFileName() + " RESP" + proto, () -> replay(p, proto)));
            }
        }
        return tests.stream();
    }

    private void replay(Path file, int proto) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        try (RawClient flusher = new RawClient(server.port())) {
            assertEquals("+OK", flusher.call("FLUSHALL"));
            flusher.call("CONFIG", "SET", "requirepass", "");
        }
        RawClient c = new RawClient(server.port());
        try {
            if (proto == 3) {
                String hello = c.call("HELLO", "3");
                assertTrue(hello.startsWith("%{"), hello);
            }
            String lastReply = null;
            String lastCommand = null;
            int n = 0;
            for (String raw : lines) {
                n++;
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String where = file.getFileName() + ":" + n + " (RESP" + proto + ")";
                try {
                if (line.startsWith(">> ")) {
                    c.send(split(line.substring(3)));
                    lastCommand = line;
                } else if (line.startsWith("> ")) {
                    c.send(split(line.substring(2)));
                    lastCommand = line;
                    lastReply = c.read();
                } else if (line.startsWith("raw ")) {
                    c.sendRaw(unescape(line.substring(4)));
                    lastCommand = line;
                } else if (line.startsWith("read")) {
                    lastReply = c.read();
                } else if (line.startsWith("sleep ")) {
                    Thread.sleep(Long.parseLong(line.substring(6).trim()));
                } else if (line.equals("closed")) {
                    assertTrue(c.isClosedByPeer(), where + ": expected the server to close the connection");
                    c.close();
                    c = new RawClient(server.port());
                    if (proto == 3) {
                        c.call("HELLO", "3");
                    }
                } else if (line.equals("reconnect")) {
                    c.close();
                    c = new RawClient(server.port());
                    if (proto == 3) {
                        c.call("HELLO", "3");
                    }
                } else {
                    String expected = raw.stripLeading(); // trailing spaces can be significant
                    if (line.startsWith("@2 ") || line.startsWith("@3 ")) {
                        if (line.charAt(1) - '0' != proto) {
                            continue;
                        }
                        expected = expected.substring(3);
                    }
                    check(where + " after " + lastCommand, expected, lastReply);
                }
                } catch (IOException e) {
                    throw new IOException(where + ": " + e.getMessage(), e);
                }
            }
        } finally {
            c.close();
        }
    }

    private static void check(String where, String expected, String actual) {
        if (expected.startsWith("re:")) {
            if (actual == null || !actual.matches(expected.substring(3))) {
                fail(where + ": expected match of " + expected.substring(3) + " but got " + actual);
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }

    /** Splits a command line: whitespace-separated, "double quotes" with \" \\ \r \n \xHH escapes. */
    static List<byte[]> split(String s) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
            if (i >= s.length()) {
                break;
            }
            StringBuilder b = new StringBuilder();
            if (s.charAt(i) == '"') {
                i++;
                while (s.charAt(i) != '"') {
                    b.append(s.charAt(i) == '\\' ? s.substring(i, i++ + 2) : s.charAt(i));
                    i++;
                }
                i++;
                out.add(unescape(b.toString()));
            } else {
                while (i < s.length() && s.charAt(i) != ' ') {
                    b.append(s.charAt(i++));
                }
                out.add(b.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static byte[] unescape(String s) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'r' -> b.write('\r');
                    case 'n' -> b.write('\n');
                    case 't' -> b.write('\t');
                    case 'x' -> {
                        b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    default -> b.write(e);
                }
            } else {
                b.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return b.toByteArray();
    }

    @Test
    void everyImplementedCommandAppearsInATranscript() throws Exception {
        Set<String> used = new TreeSet<>();
        CommandTable table = CommandTable.of(server.server.context());
        for (Path p : transcripts()) {
            for (String line : Files.readAllLines(p)) {
                String l = line.strip();
                if (!l.startsWith(">")) {
                    continue;
                }
                List<byte[]> words = split(l.substring(l.startsWith(">> ") ? 3 : 2));
                String name = new String(words.get(0), StandardCharsets.UTF_8).toLowerCase();
                used.add(name);
                CommandSpec spec = table.find(name);
                if (spec != null && spec.isContainer() && words.size() > 1) {
                    used.add(name + "|" + new String(words.get(1), StandardCharsets.UTF_8).toLowerCase());
                }
            }
        }
        // Commands whose effect cannot be replayed on the shared server, tested by their own class.
        used.add("shutdown"); // ExpiryAndShutdownTest
        used.add("bgsave"); // PersistenceTest (background work: its replies depend on timing)
        used.add("bgrewriteaof"); // PersistenceTest
        used.add("checkpoint"); // PersistenceTest (HeliosDB's own: no Redis to record from)
        Set<String> missing = new TreeSet<>();
        for (CommandSpec s : table.allRows()) {
            if (s.handler() != null && !used.contains(s.name())) {
                missing.add(s.name());
            }
        }
        assertTrue(missing.isEmpty(), "implemented commands without a transcript: " + missing);
    }
}
