package io.heliosdb.resp.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The feature states one holder (a client, the server) carries, by {@link Feature#index}. Written by
 * the holder's owning thread (or once, under this object's lock, by {@link #getOrCreate}); read by
 * others too (CLIENT LIST reads a client's), so elements are read and written with volatile
 * semantics and the array is republished when it grows.
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

    /** The state stored under {@code feature}, made by {@code create} on first use (once, whichever thread asks first). */
    <T> T getOrCreate(Feature<T> feature, Supplier<T> create) {
        T v = get(feature);
        if (v != null) {
            return v;
        }
        synchronized (this) {
            v = get(feature);
            if (v == null) {
                v = create.get();
                set(feature, v);
            }
            return v;
        }
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
