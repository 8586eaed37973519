package io.heliosdb.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A RESP client for the argument fuzzer: pipelines a batch of commands and reads the replies as
 * trees, so that unordered replies can be normalised element by element (RawClient renders to one
 * flat string). A read that takes longer than the socket timeout throws SocketTimeoutException.
 */
final class FuzzConn implements AutoCloseable {
    /** One reply: its RESP type byte, its text (simple, error, number, bulk) and its elements. */
    record Reply(char type, String text, List<Reply> items) {
        boolean isError() {
            return type == '-';
        }

        /** The rendering of RawClient: every RESP type stays distinguishable. */
        String render() {
            StringBuilder b = new StringBuilder();
            render(b);
            return b.toString();
        }

        private void render(StringBuilder b) {
            switch (type) {
                case '$' -> b.append(text == null ? "(nil)" : text);
                case '_' -> b.append("(null)");
                case '*', '~', '>' -> {
                    if (items == null) {
                        b.append("(nil)");
                        return;
                    }
                    b.append(type).append('[');
                    for (int i = 0; i < items.size(); i++) {
                        if (i > 0) {
                            b.append(", ");
                        }
                        items.get(i).render(b);
                    }
                    b.append(']');
                }
                case '%', '|' -> {
                    b.append(type).append('{');
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        if (i > 0) {
                            b.append(", ");
                        }
                        items.get(i).render(b);
                        b.append(": ");
                        items.get(i + 1).render(b);
                    }
                    b.append('}');
                }
                default -> b.append(type).append(text);
            }
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    final int port;

    FuzzConn(int port, int timeoutMillis) throws IOException {
        this.port = port;
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        out = socket.getOutputStream();
    }

    void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** Sends every command in one write, then reads one reply per command. */
    List<Reply> pipeline(List<List<byte[]>> commands) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (List<byte[]> c : commands) {
            b.writeBytes(RawClient.encode(c));
        }
        out.write(b.toByteArray());
        out.flush();
        List<Reply> replies = new ArrayList<>(commands.size());
        while (replies.size() < commands.size()) {
            Reply r = read();
            if (r.type() != '>') { // RESP3 pushes (tracking invalidations) come out of band: not a command's reply
                replies.add(r);
            }
        }
        return replies;
    }

    Reply call(List<byte[]> command) throws IOException {
        return pipeline(List.of(command)).get(0);
    }

    Reply call(String... args) throws IOException {
        return call(strings(args));
    }

    static List<byte[]> strings(String... args) {
        List<byte[]> l = new ArrayList<>(args.length);
        for (String a : args) {
            l.add(a.getBytes(StandardCharsets.UTF_8));
        }
        return l;
    }

    private Reply read() throws IOException {
        int t = in.read();
        if (t < 0) {
            throw new IOException("connection closed by the server");
        }
        String line = line();
        return switch (t) {
            case '+', '-', ':', ',', '#', '(' -> new Reply((char) t, line, null);
            case '_' -> new Reply('_', "", null);
            case '$', '=' -> {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    yield new Reply('$', null, null);
                }
                String q = RawClient.quote(bytes(n));
                yield new Reply('$', t == '=' ? "=" + q : q, null);
            }
            case '*', '~', '>', '%', '|' -> {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    yield new Reply((char) t, null, null);
                }
                int count = t == '%' || t == '|' ? 2 * n : n;
                List<Reply> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read());
                }
                yield new Reply((char) t, null, items);
            }
            default -> throw new IOException("unexpected RESP type byte '" + (char) t + "' then " + line);
        };
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

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test connection: nothing to do
        }
    }
}
