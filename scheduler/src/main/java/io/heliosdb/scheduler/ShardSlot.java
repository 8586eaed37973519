package io.heliosdb.scheduler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A typed key for one layer's state on every shard (RESP's keyspace now, SQL's later), created
 * once by the layer that owns the value: {@code static final ShardSlot<ShardState> SLOT =
 * ShardSlot.named("resp")}, then {@code shard.put(SLOT, state)} before serving and
 * {@code shard.get(SLOT)} on the hot path (an array read, no map, no allocation).
 */
public final class ShardSlot<T> {
    /** Slots a process may create: a handful of layers, each with one slot. */
    static final int MAX = 16;
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final String name;
    private final int index;

    private ShardSlot(String name, int index) {
        this.name = name;
        this.index = index;
    }

    /** A new slot; {@code name} is for messages only (two slots never share a value, whatever their names). */
    public static <T> ShardSlot<T> named(String name) {
        int i = NEXT.getAndIncrement();
        if (i >= MAX) {
            throw new IllegalStateException("more than " + MAX + " shard slots; the layers create one each, as constants");
        }
        return new ShardSlot<>(name, i);
    }

    int index() {
        return index;
    }

    @Override
    public String toString() {
        return "slot " + name;
    }
}
