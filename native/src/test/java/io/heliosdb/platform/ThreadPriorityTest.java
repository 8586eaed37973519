package io.heliosdb.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Only the calling thread's nice value changes (read back from /proc, as the kernel sees it). */
class ThreadPriorityTest {
    @Test
    void lowersOnlyTheCallingThread() throws Exception {
        int before = nice(); // the runner may already be niced: go a little lower than it
        int target = Math.min(19, before + 3);
        AtomicReference<String> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            boolean ok = ThreadPriority.lowerCurrentThread(target);
            seen.set(ok + " " + nice());
        });
        t.start();
        t.join();
        assertEquals("true " + target, seen.get());
        assertEquals(before, nice(), "the calling thread only");
    }

    @Test
    void refusesValuesOutsideTheNiceRange() {
        assertEquals(false, ThreadPriority.lowerCurrentThread(-1));
        assertEquals(false, ThreadPriority.lowerCurrentThread(20));
    }

    /** Field 19 of /proc/thread-self/stat, counted after the command name's closing parenthesis. */
    private static int nice() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(f[16]); // fields from 3 on: state is 3, nice is 19
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
