package io.heliosdb.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * PUBLISH fan-out throughput: SUBSCRIBERS raw connections subscribe to one channel, one publisher
 * pipelines PUBLISH (DEPTH in flight), and a single selector thread drains every subscriber. Messages
 * have a fixed size, so delivered messages = bytes received / message size. Prints
 * "messages/s publishes/s" for the port given; the same client runs against each server.
 *
 * <p>Usage: PubSubThroughput PORT [SUBSCRIBERS=100] [PUBLISHES=200000] [DEPTH=32]
 */
public final class PubSubThroughput {
    public static void main(String[] argv) throws Exception {
        int port = Integer.parseInt(argv[0]);
        int subscribers = argv.length > 1 ? Integer.parseInt(argv[1]) : 100;
        int publishes = argv.length > 2 ? Integer.parseInt(argv[2]) : 200_000;
        int depth = argv.length > 3 ? Integer.parseInt(argv[3]) : 32;
        String channel = "bench";
        String payload = "p".repeat(16);
        byte[] message = ("*3\r\n$7\r\nmessage\r\n$" + channel.length() + "\r\n" + channel + "\r\n$" + payload.length() + "\r\n" + payload + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] confirm = ("*3\r\n$9\r\nsubscribe\r\n$" + channel.length() + "\r\n" + channel + "\r\n:1\r\n").getBytes(StandardCharsets.US_ASCII);

        Selector selector = Selector.open();
        List<SocketChannel> subs = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            c.write(ByteBuffer.wrap(("*2\r\n$9\r\nSUBSCRIBE\r\n$" + channel.length() + "\r\n" + channel + "\r\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer b = ByteBuffer.allocate(confirm.length);
            while (b.hasRemaining()) {
                c.read(b);
            }
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ);
            subs.add(c);
        }
        long expectedBytes = (long) publishes * subscribers * message.length;
        long[] received = {0};
        Thread reader = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            try {
                while (received[0] < expectedBytes) {
                    selector.select(100);
                    for (SelectionKey k : selector.selectedKeys()) {
                        SocketChannel c = (SocketChannel) k.channel();
                        int n;
                        while ((n = c.read(buf)) > 0) {
                            received[0] += n;
                            buf.clear();
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        byte[] publish = ("*3\r\n$7\r\nPUBLISH\r\n$" + channel.length() + "\r\n" + channel + "\r\n$" + payload.length() + "\r\n" + payload + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] reply = (":" + subscribers + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Socket pub = new Socket("127.0.0.1", port)) {
            pub.setTcpNoDelay(true);
            OutputStream out = pub.getOutputStream();
            InputStream in = pub.getInputStream();
            byte[] batch = new byte[publish.length * depth];
            for (int i = 0; i < depth; i++) {
                System.arraycopy(publish, 0, batch, i * publish.length, publish.length);
            }
            byte[] replies = new byte[reply.length * depth];
            long t0 = System.nanoTime();
            reader.start();
            for (int sent = 0; sent < publishes; sent += depth) {
                int n = Math.min(depth, publishes - sent);
                out.write(batch, 0, n * publish.length);
                int got = 0;
                while (got < n * reply.length) {
                    int r = in.read(replies, got, n * reply.length - got);
                    if (r < 0) {
                        throw new IOException("publisher connection closed");
                    }
                    got += r;
                }
            }
            long tPublished = System.nanoTime();
            reader.join();
            long t1 = System.nanoTime();
            double secs = (t1 - t0) / 1e9;
            System.out.printf("%.0f %.0f%n", publishes * (double) subscribers / secs, publishes / ((tPublished - t0) / 1e9));
        }
        for (SocketChannel c : subs) {
            c.close();
        }
    }
}
