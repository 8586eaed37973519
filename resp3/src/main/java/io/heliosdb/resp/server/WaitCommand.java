package io.heliosdb.resp.server;

import io.heliosdb.resp.blocking.Blocking;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * WAIT numreplicas timeout. HeliosDB has no replicas, so no write is ever acknowledged by one: the
 * answer is 0, at once when nothing is awaited or the caller may not block (inside MULTI), else when
 * the timeout passes or CLIENT UNBLOCK ends it; a timeout of 0 waits for good, as Redis does with
 * too few replicas.
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
        // Redis answers at once when no replica is awaited (compared as a long), and keeps the count it
        // waits for in an int: from 2^31 up it wraps to <= 0 and the wait ends at the next turn, with 0
        if (replicas <= 0 || (int) replicas <= 0 || call.inTransaction()) {
            call.finish(w -> w.integer(0));
            return;
        }
        new Blocked(call).start(timeout);
    }

    /** A WAIT that blocks: answered 0 when its timeout passes or CLIENT UNBLOCK ends it; never if it waits for good. */
    private static final class Blocked implements Blocking.Unblockable {
        private final CrossShardCall call;
        private final AtomicBoolean done = new AtomicBoolean();

        Blocked(CrossShardCall call) {
            this.call = call;
        }

        void start(long timeoutMillis) {
            long id = call.session().id;
            call.server().blockedCalls.put(id, this);
            Future<?> timer = timeoutMillis > 0
                    ? call.home().loop().schedule(() -> end(w -> w.integer(0)), timeoutMillis, TimeUnit.MILLISECONDS) : null;
            call.session().channel.closeFuture().addListener(f -> {
                if (done.compareAndSet(false, true)) {
                    call.server().blockedCalls.remove(id, this); // the client left while waiting
                    if (timer != null) {
                        timer.cancel(false);
                    }
                }
            });
        }

        @Override
        public boolean unblock(boolean error) {
            return end(error ? w -> w.error("UNBLOCKED client unblocked via CLIENT UNBLOCK") : w -> w.integer(0));
        }

        private boolean end(Consumer<RespWriter> reply) {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            call.server().blockedCalls.remove(call.session().id, this);
            if (call.home().inShardThread()) {
                call.finish(reply);
            } else {
                call.home().loop().execute(() -> call.finish(reply));
            }
            return true;
        }
    }
}
