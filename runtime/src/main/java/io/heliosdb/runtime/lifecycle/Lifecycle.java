package io.heliosdb.runtime.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The components of one server, stopped once, in the reverse of the order they started (what
 * started last depends on what started before it). A server that fails half-way through starting
 * stops what it had started. Protocols ask for a shutdown (Redis' SHUTDOWN) through
 * {@link #requestShutdown()}; the process decides what that does ({@link #onShutdownRequest}).
 * Thread-safe.
 */
public final class Lifecycle {
    /** A started component: its name (for failure reports) and how it stops. */
    private record Component(String name, AutoCloseable stop) {}

    private final List<Component> started = new ArrayList<>();
    private final CountDownLatch stoppedLatch = new CountDownLatch(1);
    private boolean stopping;
    private volatile Runnable shutdownAction = this::stop;

    /**
     * Records a component that has just started. False if the lifecycle is stopping already: the
     * caller stops the component itself (it came too late to be stopped in order).
     */
    public synchronized boolean started(String name, AutoCloseable stop) {
        if (stopping) {
            return false;
        }
        started.add(new Component(name, stop));
        return true;
    }

    /** The components started so far, in order. */
    public synchronized List<String> components() {
        return started.stream().map(Component::name).toList();
    }

    /**
     * Stops every component, last started first, once: a later call waits until the first has
     * finished. A component that fails to stop does not keep the others from stopping; the first
     * failure is thrown at the end, with the others suppressed.
     */
    public void stop() {
        List<Component> toStop = null;
        synchronized (this) {
            if (!stopping) {
                stopping = true;
                toStop = new ArrayList<>(started);
            }
        }
        if (toStop == null) {
            awaitStoppedUninterruptibly(); // outside the lock: the first stopper's components may need it
            return;
        }
        RuntimeException failure = null;
        for (int i = toStop.size() - 1; i >= 0; i--) {
            Component c = toStop.get(i);
            try {
                c.stop().close();
            } catch (Exception e) {
                RuntimeException f = new IllegalStateException("stopping " + c.name() + ": " + e.getMessage(), e);
                if (failure == null) {
                    failure = f;
                } else {
                    failure.addSuppressed(f);
                }
            }
        }
        stoppedLatch.countDown();
        if (failure != null) {
            throw failure;
        }
    }

    private void awaitStoppedUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                stoppedLatch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized boolean stopping() {
        return stopping;
    }

    /** Waits until {@link #stop()} has stopped every component. */
    public void awaitStopped() throws InterruptedException {
        stoppedLatch.await();
    }

    /** What a shutdown request does; by default the components stop (a process exits instead). */
    public void onShutdownRequest(Runnable action) {
        this.shutdownAction = action;
    }

    /** Runs the shutdown request's action here, for a caller already on a thread of its own. */
    public void runShutdownRequest() {
        shutdownAction.run();
    }

    /** Runs the shutdown request's action on a new thread: the requester (a connection's loop) is one of the stopped. */
    public Thread requestShutdown() {
        Thread t = new Thread(shutdownAction, "helios-shutdown-command");
        t.setDaemon(false);
        t.start();
        return t;
    }

    /** Stops the components when the JVM exits (SIGTERM, SIGINT, System.exit), after {@code first} runs. */
    public void stopOnJvmExit(Runnable first) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            first.run();
            stop();
        }, "helios-shutdown"));
    }
}
