package io.heliosdb.resp.transactions;

import io.heliosdb.memory.NativeMemory;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.engine.Feature;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** A command queued between MULTI and EXEC: its row and a private copy of its arguments. */
public record QueuedCommand(CommandSpec spec, Args args) {
    /** The commands a client queued since MULTI; absent outside a transaction. The connection's loop only. */
    public static final Feature<List<QueuedCommand>> QUEUE = Feature.named("queued commands");

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
