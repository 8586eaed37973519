package io.heliosdb.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    @Test
    void componentsStopInReverseOnceEvenWhenOneFails() {
        Lifecycle l = new Lifecycle();
        List<String> stopped = new CopyOnWriteArrayList<>();
        l.started("shards", () -> stopped.add("shards"));
        l.started("storage", () -> {
            stopped.add("storage");
            throw new IOException("disk gone");
        });
        l.started("listener", () -> stopped.add("listener"));
        assertEquals(List.of("shards", "storage", "listener"), l.components());
        var e = assertThrows(IllegalStateException.class, l::stop);
        assertEquals("stopping storage: disk gone", e.getMessage());
        assertEquals(List.of("listener", "storage", "shards"), stopped);
        l.stop(); // once
        assertEquals(3, stopped.size());
        assertTrue(l.stopping());
        assertFalse(l.started("late", () -> stopped.add("late")), "too late: the caller stops it");
    }

    @Test
    void aSecondStopWaitsForTheFirstToFinish() throws Exception {
        Lifecycle l = new Lifecycle();
        CountDownLatch inStop = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        l.started("slow", () -> {
            inStop.countDown();
            release.await(5, TimeUnit.SECONDS);
            order.add("slow stopped");
        });
        Thread first = new Thread(l::stop);
        first.start();
        assertTrue(inStop.await(5, TimeUnit.SECONDS));
        Thread second = new Thread(() -> {
            l.stop();
            order.add("second returned");
        });
        second.start();
        second.join(200);
        assertTrue(second.isAlive(), "the second stop waits");
        release.countDown();
        second.join(5000);
        first.join(5000);
        assertEquals(List.of("slow stopped", "second returned"), order);
    }

    @Test
    void aShutdownRequestRunsTheChosenActionOnItsOwnThread() throws Exception {
        Lifecycle l = new Lifecycle();
        List<String> ran = new CopyOnWriteArrayList<>();
        l.started("c", () -> ran.add("stopped"));
        l.requestShutdown().join(5000); // by default: stop
        assertEquals(List.of("stopped"), ran);
        l.awaitStopped();
        l.onShutdownRequest(() -> ran.add(Thread.currentThread().getName()));
        l.requestShutdown().join(5000);
        assertEquals("helios-shutdown-command", ran.get(1));
    }
}
