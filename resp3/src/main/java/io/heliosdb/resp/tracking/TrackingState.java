package io.heliosdb.resp.tracking;

import io.heliosdb.resp.engine.Feature;
import java.util.List;

/**
 * One client's CLIENT TRACKING settings. Immutable but for the one-command CLIENT CACHING flag,
 * which the client's own commands set and consume (shard threads read it while running them).
 */
public final class TrackingState {
    /** A client's CLIENT TRACKING settings; absent while tracking is off. */
    public static final Feature<TrackingState> FEATURE = Feature.named("tracking state");

    public final long redirect;
    public final boolean bcast;
    public final boolean optin;
    public final boolean optout;
    public final boolean noloop;
    /** BCAST prefixes, sorted (Redis keeps them in a radix tree). */
    public final List<byte[]> prefixes;
    /** CLIENT CACHING YES (1) / NO (-1) for the next command, else 0. */
    volatile int caching;
    /** An invalidation found the REDIRECT client gone (CLIENT TRACKINGINFO says "broken_redirect" from then on). */
    volatile boolean redirectBroken;

    TrackingState(long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop, List<byte[]> prefixes) {
        this.redirect = redirect;
        this.bcast = bcast;
        this.optin = optin;
        this.optout = optout;
        this.noloop = noloop;
        this.prefixes = prefixes;
    }

    /** Whether a read now remembers its keys for this client (default, OPTIN after YES, OPTOUT unless NO). */
    public boolean tracksReads() {
        if (bcast) {
            return false;
        }
        if (optin) {
            return caching > 0;
        }
        return !optout || caching >= 0;
    }

    public void commandDone() {
        caching = 0;
    }

    boolean matches(byte[] key, int off, int len) {
        if (prefixes.isEmpty()) {
            return true; // BCAST without prefixes: every key
        }
        outer:
        for (byte[] p : prefixes) {
            if (p.length > len) {
                continue;
            }
            for (int i = 0; i < p.length; i++) {
                if (p[i] != key[off + i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
