package io.heliosdb.resp.server;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import java.util.concurrent.TimeUnit;

/**
 * WAIT numreplicas timeout. HeliosDB has no replicas, so no write is ever acknowledged by one: the
 * answer is 0, at once when nothing is awaited or the caller may not block (inside MULTI), else when
 * the timeout passes; a timeout of 0 waits for good, as Redis does with too few replicas.
 */
final class WaitCommand {
    private WaitCommand() {}

    static void run(CrossShardCall call) {
        Args a = call.args();
        if (!a.isLong(1)) {
            call.finish(w -> w.error(Errors.NOT_INTEGER));
            return;
        }
        long replicas = a.parseLong(1);
        if (!a.isLong(2)) {
            call.finish(w -> w.error("ERR timeout is not an integer or out of range"));
            return;
        }
        long timeout = a.parseLong(2);
        if (timeout < 0) {
            call.finish(w -> w.error("ERR timeout is negative"));
            return;
        }
        if (replicas <= 0 || call.inTransaction()) {
            call.finish(w -> w.integer(0));
            return;
        }
        if (timeout > 0) {
            call.home().loop().schedule(() -> call.finish(w -> w.integer(0)), timeout, TimeUnit.MILLISECONDS);
        }
        // timeout 0: the client stays blocked until it disconnects (no replica will ever acknowledge)
    }
}
