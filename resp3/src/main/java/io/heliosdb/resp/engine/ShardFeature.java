package io.heliosdb.resp.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A typed key for one feature's state on each shard (blocked clients, watched keys, ...): the
 * feature creates its key and installs its state on every shard ({@link ShardState#install}); the
 * shard state keeps them in an array and knows none of their types. (The scheduler's
 * {@code ShardSlot} is the same idea one level down: one slot per layer on each shard, RESP's being
 * {@link ShardState#SLOT}; these are the RESP layer's own features within it.)
 */
public final class ShardFeature<T> {
    private static final AtomicInteger NEXT = new AtomicInteger();

    final int index = NEXT.getAndIncrement();
    private final String name;

    private ShardFeature(String name) {
        this.name = name;
    }

    public static <T> ShardFeature<T> named(String name) {
        return new ShardFeature<>(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
