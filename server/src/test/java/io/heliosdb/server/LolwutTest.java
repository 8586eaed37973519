package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LOLWUT versions 5 and 6 draw with random numbers, so only their shape can be compared with
 * redis-server's: the same lines, each as wide (braille characters, or one colour escape per
 * pixel), and the same closing text. The deterministic outputs are in transcripts/admin.txt. Unlike
 * Redis, HeliosDB refuses a version 5 canvas of hundreds of megapixels (one reply of that size).
 */
class LolwutTest {
    private static RedisPeer redis;
    private static TestServer helios;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisPeer.start();
        helios = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        helios.close();
        redis.close();
    }

    @Test
    void randomPiecesHaveRedisShape() throws Exception {
        String[][] calls = {{"LOLWUT", "VERSION", "5"}, {"LOLWUT", "VERSION", "5", "40", "4", "6"},
                {"LOLWUT", "VERSION", "5", "200", "20", "30"}, {"LOLWUT", "VERSION", "6"}, {"LOLWUT", "VERSION", "6", "200", "60"}, {"LOLWUT", "VERSION", "6", "30", "10"}};
        for (String[] call : calls) {
            assertEquals(shape(lolwut(redis.port, call)), shape(lolwut(helios.port(), call)), String.join(" ", call));
        }
    }

    @Test
    void aCanvasOfHundredsOfMegapixelsIsRefused() throws Exception {
        try (RawClient c = new RawClient(helios.port())) {
            assertEquals("-ERR LOLWUT canvas too large (at most 16777216 pixels in HeliosDB)",
                    c.call("LOLWUT", "VERSION", "5", "1000", "1", "200"));
        }
    }

    /** Per line: its braille characters (version 5) or pixels (version 6); the text lines as they are. */
    private static List<String> shape(String art) {
        List<String> s = new ArrayList<>();
        for (String line : art.split("\n", -1)) {
            if (line.contains("Redis ver.") || line.startsWith("Dedicated") || line.isEmpty()) {
                s.add(line);
            } else {
                s.add(line.contains("\u001b") ? (line.split("\u001b\\[0m", -1).length - 1) + " pixels"
                        : line.codePointCount(0, line.length()) + " braille characters");
            }
        }
        return s;
    }

    private static String lolwut(int port, String... args) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(RawClient.encode(args(args)));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            StringBuilder header = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                header.append((char) c);
            }
            byte[] body = new byte[Integer.parseInt(header.toString().trim().substring(1))];
            in.readFully(body);
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static List<byte[]> args(String... a) {
        List<byte[]> l = new ArrayList<>();
        for (String s : a) {
            l.add(s.getBytes(StandardCharsets.UTF_8));
        }
        return l;
    }
}
