package io.heliosdb.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;

/**
 * Stream throughput, the same Java client against any server: CLIENTS threads, each with its own
 * stream (keys spread over the shards).
 * <ol>
 *   <li>xadd: each client pipelines XADD * (DEPTH at a time) to its stream: entries/s.</li>
 *   <li>consume: each client loops XREADGROUP COUNT BATCH > then XACK of what it got, until its
 *       stream is drained: entries read and acknowledged per second.</li>
 * </ol>
 * Prints "xadd/s consume/s". Usage: StreamThroughput PORT [CLIENTS=50] [PER_CLIENT=20000] [DEPTH=16] [BATCH=10]
 */
public final class StreamThroughput {
    public static void main(String[] argv) throws Exception {
        int port = Integer.parseInt(argv[0]);
        int clients = argv.length > 1 ? Integer.parseInt(argv[1]) : 50;
        int perClient = argv.length > 2 ? Integer.parseInt(argv[2]) : 20_000;
        int depth = argv.length > 3 ? Integer.parseInt(argv[3]) : 16;
        int batch = argv.length > 4 ? Integer.parseInt(argv[4]) : 10;
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            j.flushAll();
        }
        double xadd = run(clients, c -> {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                String key = "bench:stream:" + c;
                for (int sent = 0; sent < perClient; sent += depth) {
                    Pipeline p = j.pipelined();
                    for (int i = 0; i < depth && sent + i < perClient; i++) {
                        p.sendCommand(Protocol.Command.XADD, key, "*", "field", "value-" + (sent + i));
                    }
                    p.sync();
                }
                j.sendCommand(Protocol.Command.XGROUP, "CREATE", key, "workers", "0");
            }
            return perClient;
        });
        double consume = run(clients, c -> {
            long done = 0;
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                String key = "bench:stream:" + c;
                while (done < perClient) {
                    Object r = j.sendCommand(Protocol.Command.XREADGROUP, "GROUP", "workers", "w" + c, "COUNT",
                            Integer.toString(batch), "STREAMS", key, ">");
                    if (r == null) {
                        break;
                    }
                    List<?> entries = (List<?>) ((List<?>) ((List<?>) r).get(0)).get(1);
                    String[] ack = new String[entries.size() + 2];
                    ack[0] = key;
                    ack[1] = "workers";
                    for (int i = 0; i < entries.size(); i++) {
                        ack[i + 2] = new String((byte[]) ((List<?>) entries.get(i)).get(0));
                    }
                    done += (Long) j.sendCommand(Protocol.Command.XACK, ack);
                }
            }
            return done;
        });
        System.out.printf("%.0f %.0f%n", xadd, consume);
    }

    interface Work {
        long run(int client) throws Exception;
    }

    /** Runs every client at once; returns their total units per second. */
    private static double run(int clients, Work work) throws Exception {
        AtomicLong total = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                try {
                    total.addAndGet(work.run(id));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return total.get() / ((System.nanoTime() - t0) / 1e9);
    }
}
