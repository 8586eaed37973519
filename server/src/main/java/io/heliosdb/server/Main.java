package io.heliosdb.server;

import io.heliosdb.runtime.config.ConfigRegistry;

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
        server.onShutdownCommand(() -> System.exit(0)); // runs the shutdown hook below
        // SHUTDOWN NOSAVE while a script that wrote is busy: stop at once, before its changes are logged.
        server.onHardShutdownCommand(() -> Runtime.getRuntime().halt(0));
        server.lifecycle().stopOnJvmExit(() -> System.out.println("HeliosDB shutting down"));
        System.out.println(server.startLine());
        System.out.flush();
        server.lifecycle().awaitStopped();
    }
}
