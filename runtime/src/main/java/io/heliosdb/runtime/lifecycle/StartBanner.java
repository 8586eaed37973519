package io.heliosdb.runtime.lifecycle;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The line a server prints once it serves ("NAME ready: key=value ... pid=N"), which scripts and
 * tests wait for: what the server is, then its facts in the order added (each protocol adds its
 * listener), then the process id.
 */
public final class StartBanner {
    private final String title;
    private final Map<String, String> facts = new LinkedHashMap<>();

    /** {@code title}: the product, its version and what it speaks, e.g. "HeliosDB 0.1 (Redis 7.0 protocol)". */
    public StartBanner(String title) {
        this.title = title;
    }

    public StartBanner fact(String key, Object value) {
        facts.put(key, String.valueOf(value));
        return this;
    }

    public String line() {
        StringBuilder b = new StringBuilder(title).append(" ready:");
        facts.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.append(" pid=").append(ProcessHandle.current().pid()).toString();
    }
}
