package io.heliosdb.resp.scripting;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.engine.ServerContext;
import java.util.Locale;

/**
 * Where a script with declared keys on one shard runs. Redis (standalone) lets a script touch keys it
 * did not declare; a shard holds only its own keys, so such a script must hold every shard. Which
 * scripts do that is learnt: a script runs holding every shard until a run shows it touched only the
 * keys it declared (all on one shard); from then on it runs on that shard alone (the fast path). A
 * script that builds key names (from ARGV, from values) touches undeclared keys and keeps holding every
 * shard. Should a script that declared its keys reach another shard later after all (a rare branch),
 * that call fails as a cluster node's would ("non local key") and the script holds every shard again
 * from its next call.
 */
final class ScriptPlacement {
    private ScriptPlacement() {}

    /** What is learnt about an EVAL/EVALSHA script is kept under its SHA. */
    static String shaKey(String sha) {
        return "sha:" + sha;
    }

    /** ... and about a function under its name and its library's version (a reload starts afresh). */
    static String functionKey(String name, long libraryVersion) {
        return "fcall:" + name + ":" + libraryVersion;
    }

    /** The key of an EVAL/EVALSHA call (EVAL hashes its body, as Redis caches it). */
    static String evalKey(Args a, boolean bySha) {
        if (a.count() < 2) {
            return null;
        }
        return shaKey(bySha ? a.string(1).toLowerCase(Locale.ROOT) : ScriptRegistry.sha1hex(a.bytes(1)));
    }

    /** The key of an FCALL call; null when there is no such function (the call fails either way). */
    static String fcallKey(ServerContext server, Args a) {
        if (a.count() < 2) {
            return null;
        }
        FunctionRegistry.Function f = FunctionRegistry.of(server).function(a.string(1));
        FunctionRegistry.Library lib = f == null ? null : FunctionRegistry.of(server).library(f.library());
        return lib == null ? null : functionKey(f.name(), lib.version());
    }

    /** True when the call must hold every shard although its declared keys share one (callers check there are several). */
    static boolean mustHoldEveryShard(ServerContext server, String key) {
        return key != null && !Boolean.TRUE.equals(server.scriptStaysOnItsKeysShard.get(key));
    }

    /** A run holding every shard touched only its declared keys' shard ({@code stayed}), or not. */
    static void learnt(ServerContext server, String key, boolean stayed) {
        if (key != null) {
            server.scriptStaysOnItsKeysShard.put(key, stayed);
        }
    }
}
