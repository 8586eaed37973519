package io.heliosdb.resp.scripting;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.ServerContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Script bodies by SHA1 (EVAL and SCRIPT LOAD add, SCRIPT FLUSH clears), shared by every shard.
 * Each shard compiles a body once into its own Lua VM ({@link LuaVm}); the flush epoch tells the
 * VMs to drop their compiled functions too.
 */
public final class ScriptRegistry {
    private static final Feature<ScriptRegistry> FEATURE = Feature.named("script registry");

    /** The server's script bodies by SHA1 (EVAL, SCRIPT LOAD). */
    public static ScriptRegistry of(ServerContext server) {
        return server.featureState(FEATURE, ScriptRegistry::new);
    }

    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();

    public String add(byte[] body) {
        String sha = sha1hex(body);
        bodies.putIfAbsent(sha, body);
        return sha;
    }

    /** The body of a script by its (lower or upper case) SHA1, or null. */
    public byte[] get(String sha) {
        return bodies.get(sha.toLowerCase(Locale.ROOT));
    }

    public boolean exists(String sha) {
        return get(sha) != null;
    }

    public void flush() {
        bodies.clear();
        epoch.incrementAndGet();
    }

    public long epoch() {
        return epoch.get();
    }

    public int size() {
        return bodies.size();
    }

    public long bytes() {
        long n = 0;
        for (byte[] b : bodies.values()) {
            n += b.length;
        }
        return n;
    }

    public static String sha1hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-1", e);
        }
    }

    public static String sha1hex(String s) {
        return sha1hex(s.getBytes(StandardCharsets.UTF_8));
    }
}
