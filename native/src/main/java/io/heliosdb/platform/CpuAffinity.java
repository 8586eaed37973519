package io.heliosdb.platform;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Pins the calling thread to one CPU through sched_setaffinity(2), called with FFM. */
public final class CpuAffinity {
    private static final int CPU_SET_BYTES = 128; // glibc's cpu_set_t: 1024 CPUs
    private static final MethodHandle SCHED_SETAFFINITY = lookup();

    private CpuAffinity() {}

    private static MethodHandle lookup() {
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            return libc.find("sched_setaffinity")
                    .map(addr -> linker.downcallHandle(addr, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS)))
                    .orElse(null);
        } catch (Throwable t) {
            return null; // not Linux, or native access refused: pinning is an optimisation only
        }
    }

    /** Pins the current thread to {@code cpu}; returns false if the OS refused. */
    public static boolean pinCurrentThread(int cpu) {
        if (SCHED_SETAFFINITY == null || cpu < 0 || cpu >= CPU_SET_BYTES * 8) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(CPU_SET_BYTES);
            mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            int rc = (int) SCHED_SETAFFINITY.invokeExact(0, (long) CPU_SET_BYTES, mask);
            return rc == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
