package io.heliosdb.platform;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Lowers the calling thread's CPU priority (its nice value) through setpriority(2), called with
 * FFM: on Linux a thread id names one thread, so only the caller is affected. Raising one's own
 * nice value needs no privilege (Java's thread priorities do nothing on Linux by default). Used
 * for background work that must not take the CPU from the event loops when both want it, as
 * RocksDB lowers its compaction threads.
 */
public final class ThreadPriority {
    private static final int PRIO_PROCESS = 0;
    private static final MethodHandle SETPRIORITY = find("setpriority",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle GETTID = find("gettid", FunctionDescriptor.of(ValueLayout.JAVA_INT));

    private ThreadPriority() {}

    private static MethodHandle find(String name, FunctionDescriptor fd) {
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            return libc.find(name).map(addr -> linker.downcallHandle(addr, fd)).orElse(null);
        } catch (Throwable t) {
            return null; // not Linux, or native access refused: a lower priority is an optimisation only
        }
    }

    /** Sets the current thread's nice value to {@code nice} (0..19); returns false if the OS refused. */
    public static boolean lowerCurrentThread(int nice) {
        if (SETPRIORITY == null || GETTID == null || nice < 0 || nice > 19) {
            return false;
        }
        try {
            int tid = (int) GETTID.invokeExact();
            return (int) SETPRIORITY.invokeExact(PRIO_PROCESS, tid, nice) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
