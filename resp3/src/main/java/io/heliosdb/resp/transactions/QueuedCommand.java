package io.heliosdb.resp.transactions;

import io.heliosdb.memory.NativeMemory;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandSpec;
import java.lang.foreign.MemorySegment;

/** A command queued between MULTI and EXEC: its row and a private copy of its arguments. */
public record QueuedCommand(CommandSpec spec, Args args) {
    /** Copies the request out of the connection's input buffer, which moves on. */
    public static QueuedCommand copyOf(CommandSpec spec, Args source) {
        long base = source.minOffset();
        byte[] copy = new byte[(int) (source.endOffset() - base)];
        MemorySegment.copy(source.segment(), NativeMemory.BYTE, base, copy, 0, copy.length);
        Args a = new Args();
        a.copyRebased(source, MemorySegment.ofArray(copy), base);
        return new QueuedCommand(spec, a);
    }
}
