package io.heliosdb.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A minimal RESP client over a real socket for protocol-level tests. Replies are rendered as one
 * line of text that keeps every RESP type distinguishable: +simple, -error, :int, "bulk", (nil),
 * *[..] arrays, ~[..] sets, %{k: v} maps, >[..] pushes, ,double, #t/#f, =verbatim, (null) for RESP3 _.
 */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void sendRaw(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    void send(List<byte[]> args) throws IOException {
        sendRaw(encode(args));
    }

    static byte[] encode(List<byte[]> args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    String call(String... args) throws IOException {
        List<byte[]> l = new java.util.ArrayList<>();
        for (String a : args) {
            l.add(a.getBytes(StandardCharsets.UTF_8));
        }
        send(l);
        return read();
    }

    /** Sends a command whose reply is a bulk string and returns its bytes as sent (DUMP payloads). */
    byte[] callBulk(String... args) throws IOException {
        List<byte[]> l = new java.util.ArrayList<>();
        for (String a : args) {
            l.add(a.getBytes(StandardCharsets.UTF_8));
        }
        send(l);
        int t = in.read();
        String line = line();
        if (t != '$') {
            throw new IOException("not a bulk reply: " + (char) t + line);
        }
        return bytes(Integer.parseInt(line));
    }

    /** Reads one reply and renders it; returns null at end of stream. */
    String read() throws IOException {
        int t = in.read();
        if (t < 0) {
            return null;
        }
        String line = line();
        return switch (t) {
            case '+' -> "+" + line;
            case '-' -> "-" + line;
            case ':' -> ":" + line;
            case ',' -> "," + line;
            case '#' -> "#" + line;
            case '_' -> "(null)";
            case '(' -> "(" + line;
            case '$' -> {
                int n = Integer.parseInt(line);
                yield n < 0 ? "(nil)" : quote(bytes(n));
            }
            case '=' -> {
                int n = Integer.parseInt(line);
                yield "=" + quote(bytes(n));
            }
            case '*', '~', '>' -> {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    yield "(nil)";
                }
                StringBuilder b = new StringBuilder().append((char) t).append('[');
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(", ");
                    }
                    b.append(read());
                }
                yield b.append(']').toString();
            }
            case '%' -> {
                int n = Integer.parseInt(line);
                StringBuilder b = new StringBuilder("%{");
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(", ");
                    }
                    b.append(read()).append(": ").append(read());
                }
                yield b.append('}').toString();
            }
            default -> throw new IOException("unexpected RESP type byte '" + (char) t + "' then " + line);
        };
    }

    /** Reads one bulk string reply as its bytes (DUMP payloads); fails on any other reply. */
    byte[] readBulk() throws IOException {
        int t = in.read();
        String line = line();
        if (t != '$') {
            throw new IOException("expected a bulk string, got " + (char) t + line);
        }
        return bytes(Integer.parseInt(line));
    }

    private byte[] bytes(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n || in.read() != '\r' || in.read() != '\n') {
            throw new IOException("truncated bulk");
        }
        return b;
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed mid-line");
            }
            b.append((char) c);
        }
        if (in.read() != '\n') {
            throw new IOException("CR without LF");
        }
        return b.toString();
    }

    static String quote(byte[] b) {
        StringBuilder s = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xFF;
            if (c == '"' || c == '\\') {
                s.append('\\').append((char) c);
            } else if (c == '\n') {
                s.append("\\n");
            } else if (c == '\r') {
                s.append("\\r");
            } else if (c < 0x20 || c >= 0x7F) {
                s.append(String.format("\\x%02x", c));
            } else {
                s.append((char) c);
            }
        }
        return s.append('"').toString();
    }

    boolean isClosedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
