package io.heliosdb.server;

import io.heliosdb.runtime.config.ConfigRegistry;
import java.util.concurrent.CountDownLatch;

/** Entry point: {@code ./heliosdb server [options]}. Stops gracefully on SIGTERM/SIGINT. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        ConfigRegistry config;
        try {
            config = ServerOptions.parse(args);
        } catch (ServerOptions.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        HeliosServer server;
        try {
            server = new HeliosServer(config);
        } catch (Exception e) {
            System.err.println("HeliosDB failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        server.onShutdownCommand(() -> System.exit(0)); // runs the shutdown hook below
        // SHUTDOWN NOSAVE while a script that wrote is busy: stop at once, before its changes are logged.
        server.onHardShutdownCommand(() -> Runtime.getRuntime().halt(0));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("HeliosDB shutting down");
            server.close();
            stopped.countDown();
        }, "helios-shutdown"));
        System.out.println(server.startLine());
        System.out.flush();
        stopped.await();
    }
}
