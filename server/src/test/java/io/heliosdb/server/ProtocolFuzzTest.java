package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Throws random, mutated and truncated frames (seeded from src/test/resources/fuzz-corpus) at a
 * real server, many connections, and checks that it keeps serving, loses no data written by a
 * well-behaved client, and gives back the memory the fuzzing connections used.
 */
class ProtocolFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261125L);
    private static final int ROUNDS = Integer.getInteger("fuzz.rounds", 1500);

    @Test
    void serverSurvivesFuzzedFramesAndKeepsOtherClientsData() throws Exception {
        List<byte[]> corpus = new ArrayList<>();
        Path dir = Path.of(getClass().getResource("/fuzz-corpus").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                corpus.add(Files.readAllBytes(p));
            }
        }
        Random rnd = new Random(SEED);
        try (TestServer server = TestServer.start(); RawClient control = new RawClient(server.port())) {
            assertEquals("+OK", control.call("SELECT", "9"));
            assertEquals("+OK", control.call("SET", "sentinel", "precious"));
            long baseline = offHeap(control);
            for (int round = 0; round < ROUNDS; round++) {
                byte[] frame = mutate(corpus.get(rnd.nextInt(corpus.size())), rnd);
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.setSoTimeout(20);
                    OutputStream out = s.getOutputStream();
                    int pos = 0;
                    while (pos < frame.length) { // random fragmentation
                        int n = 1 + rnd.nextInt(frame.length - pos);
                        out.write(frame, pos, n);
                        out.flush();
                        pos += n;
                    }
                    drain(s.getInputStream());
                } catch (java.net.SocketException closedByServer) {
                    // a protocol error makes the server close while we still write: expected
                }
                if (round % 100 == 0) {
                    assertEquals("+PONG", control.call("PING"), "round " + round + " seed " + SEED);
                    assertEquals("\"precious\"", control.call("GET", "sentinel"));
                }
            }
            assertEquals("\"precious\"", control.call("GET", "sentinel"));
            // Fuzzing clients wrote into db 0 only if a mutation changed SELECT; clear the rest.
            for (int db = 0; db < 16; db++) {
                if (db != 9) {
                    control.call("SELECT", Integer.toString(db));
                    control.call("FLUSHDB");
                }
            }
            control.call("SELECT", "9");
            waitForClients(control, 1);
            assertEquals(baseline, offHeap(control), "off-heap bytes after fuzzing (leak?)");
        }
    }

    private static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> { // flip bytes
                for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length)); // truncate
            case 2 -> { // random garbage
                b = new byte[rnd.nextInt(200)];
                rnd.nextBytes(b);
            }
            case 3 -> { // huge length prefix
                String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
                b = s.replaceFirst("\\$\\d+", "\\$" + (rnd.nextBoolean() ? "99999999999" : Integer.toString(rnd.nextInt(100000))))
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            default -> { // repeat (pipelining)
                byte[] twice = new byte[b.length * 2];
                System.arraycopy(b, 0, twice, 0, b.length);
                System.arraycopy(b, 0, twice, b.length, b.length);
                b = twice;
            }
        }
        return b;
    }

    private static void drain(InputStream in) throws Exception {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // discard
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // the server keeps the connection open (waiting for more) or reset it: both fine
        }
    }

    private static long offHeap(RawClient c) throws Exception {
        String info = c.call("INFO", "memory");
        var m = java.util.regex.Pattern.compile("used_memory_offheap:(\\d+)").matcher(info);
        assertTrue(m.find(), info);
        return Long.parseLong(m.group(1));
    }

    private static void waitForClients(RawClient c, int expected) throws Exception {
        for (int i = 0; i < 100; i++) {
            String info = c.call("INFO", "clients");
            if (info.contains("connected_clients:" + expected + "\\r\\n")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("connections were not closed: " + c.call("INFO", "clients"));
    }
}
