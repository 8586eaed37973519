package io.heliosdb.resp.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The feature states one holder (a shard, a client, the server) carries, by {@link Feature#index}.
 * Written by the holder's owning thread only; read by others too (CLIENT LIST reads a client's), so
 * elements are read and written with volatile semantics and the array is republished when it grows.
 */
final class Features {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    private volatile Object[] slots = new Object[8];

    /** The state stored under {@code feature}, or null. */
    @SuppressWarnings("unchecked")
    <T> T get(Feature<T> feature) {
        Object[] s = slots;
        return feature.index < s.length ? (T) SLOT.getVolatile(s, feature.index) : null;
    }

    /** Stores (or with null, clears) {@code feature}'s state. Owner thread only. */
    <T> void set(Feature<T> feature, T state) {
        Object[] s = slots;
        if (feature.index >= s.length) {
            s = Arrays.copyOf(s, Math.max(s.length * 2, feature.index + 1));
            slots = s;
        }
        SLOT.setVolatile(s, feature.index, state);
    }
}
