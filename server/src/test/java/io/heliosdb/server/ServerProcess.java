package io.heliosdb.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A HeliosDB server in a JVM of its own, for tests that kill it (SIGKILL) and start it again. */
final class ServerProcess {
    private ServerProcess() {}

    /** Starts {@code io.heliosdb.server.Main} with {@code serverArgs} (add {@code --port 0}: see {@link #port}). */
    static Process start(List<String> jvmOptions, List<String> serverArgs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "io.heliosdb.server.Main"));
        cmd.addAll(serverArgs);
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /**
     * Waits for the "ready" line and returns the RESP port; every line of output (before and
     * after) goes to {@code lines}, and the output is drained so the pipe never fills.
     */
    static int port(Process p, Consumer<String> lines) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            lines.accept(line);
            if (line.startsWith("HeliosDB ") && line.contains(" ready: ")) {
                int port = Integer.parseInt(line.replaceAll(".*resp=/127\\.0\\.0\\.1:(\\d+).*", "$1"));
                Thread drain = new Thread(() -> {
                    try {
                        for (String l; (l = out.readLine()) != null; ) {
                            lines.accept(l);
                        }
                    } catch (Exception ignored) {
                        // the process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return port;
            }
        }
        throw new AssertionError("the server did not start (exit " + p.waitFor() + ")");
    }
}
