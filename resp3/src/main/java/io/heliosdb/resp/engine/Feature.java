package io.heliosdb.resp.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A typed key for one feature's state on a shard ({@link ShardState#install}: blocked clients,
 * watched keys, ...), on a client ({@link ClientSession#set}: its subscriptions, its tracking, its
 * queued MULTI) or on the server ({@link ServerContext#install}: ACL users, channels, the command
 * table). The feature creates its key and stores its state; the holder keeps them in a
 * {@link Features} array and knows none of their types, so this package names no feature. (The
 * scheduler's {@code ShardSlot} is the same idea one level down: one slot per layer on each shard,
 * RESP's being {@link ShardState#SLOT}.)
 */
public final class Feature<T> {
    private static final AtomicInteger NEXT = new AtomicInteger();

    final int index = NEXT.getAndIncrement();
    private final String name;

    private Feature(String name) {
        this.name = name;
    }

    public static <T> Feature<T> named(String name) {
        return new Feature<>(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
