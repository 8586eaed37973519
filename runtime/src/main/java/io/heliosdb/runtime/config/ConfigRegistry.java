package io.heliosdb.runtime.config;

import io.heliosdb.memory.GlobMatcher;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every layer's configuration parameters, shared by the config file, command-line flags and each
 * protocol's runtime commands (CONFIG GET/SET for RESP). Each owner registers its own parameters
 * before the server starts; registration is single-threaded, reads and changes are thread-safe.
 * Names are case-insensitive; an alias is another name of a parameter.
 */
public final class ConfigRegistry {
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    /** Parameters a client may change only where the server allows it (Redis' PROTECTED_CONFIG: dir, dbfilename). */
    private final Set<String> guarded = new HashSet<>();
    /** Parameters a pattern does not list (Redis' HIDDEN_CONFIG); their exact name still finds them. */
    private final Set<String> hidden = new HashSet<>();

    public ConfigRegistry bool(String name, boolean mutable, String def) {
        return define(new Param(name, ParamType.BOOL, mutable, def, 0, 0, List.of(), null));
    }

    public ConfigRegistry integer(String name, boolean mutable, String def, long min, long max) {
        return define(new Param(name, ParamType.INT, mutable, def, min, max, List.of(), null));
    }

    /** {@code max} -1 is unsigned: up to 2^64-1, as Redis' unsigned long long. */
    public ConfigRegistry memory(String name, boolean mutable, String def, long min, long max) {
        return define(new Param(name, ParamType.MEMORY, mutable, def, min, max, List.of(), null));
    }

    public ConfigRegistry choice(String name, boolean mutable, String def, List<String> choices) {
        return define(new Param(name, ParamType.ENUM, mutable, def, 0, 0, List.copyOf(choices), null));
    }

    public ConfigRegistry string(String name, boolean mutable, String def) {
        return define(new Param(name, ParamType.STRING, mutable, def, 0, 0, List.of(), null));
    }

    public ConfigRegistry custom(String name, boolean mutable, String def, ValueRule rule) {
        return define(new Param(name, ParamType.CUSTOM, mutable, def, 0, 0, List.of(), rule));
    }

    public ConfigRegistry alias(String alias, String name) {
        String a = alias.toLowerCase(Locale.ROOT);
        if (!params.containsKey(name) || known(a)) {
            throw new IllegalStateException("alias " + alias + " of " + name + ": unknown target or name taken");
        }
        aliases.put(a, name);
        return this;
    }

    /** Marks a registered parameter as changeable at runtime only by callers the server trusts. */
    public ConfigRegistry protect(String name) {
        if (!params.containsKey(name)) {
            throw new IllegalStateException("protect " + name + ": not registered");
        }
        guarded.add(name);
        return this;
    }

    /** Marks a registered parameter as left out of pattern lookups (CONFIG GET *). */
    public ConfigRegistry hide(String name) {
        if (!params.containsKey(name)) {
            throw new IllegalStateException("hide " + name + ": not registered");
        }
        hidden.add(name);
        return this;
    }

    /** Whether a parameter or alias of this name is registered. */
    public boolean known(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return params.containsKey(n) || aliases.containsKey(n);
    }

    private ConfigRegistry define(Param p) {
        if (!p.name().equals(p.name().toLowerCase(Locale.ROOT)) || known(p.name())) {
            throw new IllegalStateException("parameter " + p.name() + " registered twice or not lower-case");
        }
        params.put(p.name(), p);
        return this;
    }

    /** The parameter under a name or alias, any case; null if unknown. */
    public Param param(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return params.get(aliases.getOrDefault(n, n));
    }

    public String get(String name) {
        Param p = param(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown config " + name);
        }
        return p.value();
    }

    public long number(String name) {
        return param(name).number();
    }

    public boolean bool(String name) {
        return param(name).number() != 0;
    }

    /**
     * Sets one parameter as the config file or a flag does (immutable ones allowed). Returns why it
     * was refused, in the config file's wording, or null on success.
     */
    public synchronized String setAtStartup(String name, String value) {
        Param p = param(name);
        if (p == null) {
            return "Bad directive or wrong number of arguments";
        }
        return p.assign(value);
    }

    /**
     * A runtime change of several name/value pairs, all or nothing. Checked as Redis 7.0's
     * configSetCommand does: one pass in order, the first unknown, immutable, protected or repeated
     * name is the problem (an alias and its parameter are two names); then values in order, the
     * first refused one rolls back what was applied.
     */
    public ConfigChange setAtRuntime(List<String[]> pairs) {
        return setAtRuntime(pairs, true);
    }

    /** As {@link #setAtRuntime(List)}; a protected parameter is refused unless {@code protectedAllowed}. */
    public synchronized ConfigChange setAtRuntime(List<String[]> pairs, boolean protectedAllowed) {
        Set<String> seen = new HashSet<>();
        for (String[] pair : pairs) {
            Param p = param(pair[0]);
            if (p == null) {
                return new ConfigChange(ConfigChange.Status.UNKNOWN, pair[0], null);
            }
            if (!p.mutable()) {
                return new ConfigChange(ConfigChange.Status.IMMUTABLE, pair[0], null);
            }
            if (!protectedAllowed && guarded.contains(p.name())) {
                return new ConfigChange(ConfigChange.Status.PROTECTED, pair[0], null);
            }
            if (!seen.add(pair[0].toLowerCase(Locale.ROOT))) {
                return new ConfigChange(ConfigChange.Status.DUPLICATE, pair[0], null);
            }
        }
        Map<Param, String> previous = new LinkedHashMap<>();
        for (String[] pair : pairs) {
            Param p = param(pair[0]);
            previous.putIfAbsent(p, p.value());
            String err = p.assign(pair[1]);
            if (err != null) {
                previous.forEach(Param::assign); // roll back what was applied
                return new ConfigChange(ConfigChange.Status.INVALID, pair[0], err);
            }
        }
        return ConfigChange.APPLIED;
    }

    /**
     * Lookup as Redis 7.0's configGetCommand does it: a pattern without {@code [*?} is looked up
     * directly (case-insensitively) and answered under the name as typed; any other is matched
     * against every name, then every alias, except hidden ones. A parameter already answered (under any spelling) is
     * not repeated. The pattern is not lower-cased: matching is case-insensitive already, except an
     * escaped character inside [...], which util.c's stringmatchlen compares exactly.
     */
    public Map<String, String> matching(List<String> patterns) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (String pat : patterns) {
            if (pat.indexOf('[') < 0 && pat.indexOf('*') < 0 && pat.indexOf('?') < 0) {
                Param p = param(pat);
                if (p != null && seen.add(pat.toLowerCase(Locale.ROOT))) {
                    out.put(pat, p.value());
                }
                continue;
            }
            for (Param p : params.values()) {
                if (!hidden.contains(p.name()) && GlobMatcher.matches(pat, p.name(), true) && seen.add(p.name())) {
                    out.put(p.name(), p.value());
                }
            }
            for (Map.Entry<String, String> a : aliases.entrySet()) {
                if (!hidden.contains(a.getValue()) && GlobMatcher.matches(pat, a.getKey(), true) && seen.add(a.getKey())) {
                    out.put(a.getKey(), params.get(a.getValue()).value());
                }
            }
        }
        return out;
    }
}
