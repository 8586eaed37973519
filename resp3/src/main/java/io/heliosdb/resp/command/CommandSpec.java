package io.heliosdb.resp.command;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.engine.ServerContext;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row of the command table: Redis' own metadata for a command (arity, flags, key positions,
 * ACL categories, docs) plus the handler that implements it here, if any. Subcommands are rows of
 * their own named {@code container|sub}, as Redis names them in errors and COMMAND output.
 */
public final class CommandSpec {
    final String name;
    final CommandSpec container;
    final int arity;
    final Set<String> flags;
    final int firstKey;
    final int lastKey;
    final int keyStep;
    final List<String> aclCategories;
    final List<Object> tips;
    final List<Object> keySpecs;
    final Map<String, CommandSpec> subcommands;
    private final Map<String, CommandSpec> subcommandsView;
    final Map<String, Object> docs;
    final int id;

    // Derived once, read on every dispatch.
    final boolean write;
    final boolean noAuth;
    /** EVAL, EVALSHA, FCALL and their _RO forms: may run past lua-time-limit and serve the loop's sockets meanwhile. */
    final boolean runsScript;
    final boolean denyOom;
    /** Runs at once even inside MULTI (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET), instead of being queued. */
    final boolean transactionControl;
    /** Allowed to RESP2 clients in subscribed mode. */
    final boolean allowedWhenSubscribed;
    /** Refused inside MULTI (Redis' no-multi flag). */
    final boolean noMulti;
    /** Reads, writes or may replicate: refused to a client in MONITOR mode, which Redis treats as a replica. */
    final boolean touchesKeyspace;

    Command handler;
    Routing routing;
    /** Where a call's keys are when the table cannot say (EVAL's numkeys); null = the fixed positions. */
    KeyFinder keyFinder;
    /**
     * Calls that must go across shards even with all keys on one (XREAD BLOCK may have to wait; a
     * script not yet known to stay on its keys' shard); null = none.
     */
    Across acrossWhen;

    /** Whether a call goes across shards although its keys share one. */
    public interface Across {
        boolean test(ServerContext server, Args a);
    }

    /** Keys named by the call itself: a contiguous run of {@link #count} arguments from {@link #first}. */
    public interface KeyFinder {
        /** Index of the first key argument, or -1 when the call is malformed (its handler reports that). */
        int first(Args a);

        int count(Args a);
    }

    CommandSpec(String name, CommandSpec container, int arity, Set<String> flags, int firstKey, int lastKey, int keyStep,
                List<String> aclCategories, List<Object> tips, List<Object> keySpecs, Map<String, CommandSpec> subcommands,
                Map<String, Object> docs, int id) {
        this.name = name;
        this.container = container;
        this.arity = arity;
        this.flags = flags;
        this.firstKey = firstKey;
        this.lastKey = lastKey;
        this.keyStep = keyStep;
        this.aclCategories = aclCategories;
        this.tips = tips;
        this.keySpecs = keySpecs;
        this.subcommands = subcommands;
        this.subcommandsView = Collections.unmodifiableMap(subcommands);
        this.docs = docs;
        this.id = id;
        this.write = flags.contains("write");
        this.noAuth = flags.contains("no_auth");
        this.denyOom = flags.contains("denyoom");
        this.transactionControl = container == null && Set.of("exec", "discard", "multi", "watch", "quit", "reset").contains(name);
        this.noMulti = flags.contains("no_multi");
        this.touchesKeyspace = write || flags.contains("readonly") || flags.contains("may_replicate");
        this.runsScript = container == null && Set.of("eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro").contains(name);
        this.allowedWhenSubscribed = container == null && Set.of("ping", "subscribe", "ssubscribe", "psubscribe",
                "unsubscribe", "sunsubscribe", "punsubscribe", "quit", "reset").contains(name);
    }

    /** Full name as Redis prints it: "get", "client|kill". */
    public String name() {
        return name;
    }

    public int id() {
        return id;
    }

    public int arity() {
        return arity;
    }

    public boolean arityOk(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    public boolean isContainer() {
        return !subcommands.isEmpty();
    }

    public CommandSpec container() {
        return container;
    }

    public Map<String, CommandSpec> subcommands() {
        return subcommandsView;
    }

    Map<String, CommandSpec> subcommandsMutable() {
        return subcommands;
    }

    public boolean denyOom() {
        return denyOom;
    }

    public boolean isTransactionControl() {
        return transactionControl;
    }

    public boolean allowedWhenSubscribed() {
        return allowedWhenSubscribed;
    }

    /** May wait before it answers (BLPOP, XREAD BLOCK, WAIT): Redis shows it to monitors when it blocks. */
    public boolean mayBlock() {
        return flags.contains("blocking") || (container == null && name.equals("wait"));
    }

    public boolean touchesKeyspace() {
        return touchesKeyspace;
    }

    public boolean noMulti() {
        return noMulti;
    }

    /**
     * A script runs: it must start from a task, never inside the loop's socket handling, since past
     * lua-time-limit its hook serves the loop's sockets (netty's I/O handler is not re-entrant).
     */
    public boolean runsScript() {
        return runsScript;
    }

    public boolean isWrite() {
        return write;
    }

    public boolean allowsNoAuth() {
        return noAuth;
    }

    public Set<String> flags() {
        return flags;
    }

    public int firstKey() {
        return firstKey;
    }

    public int lastKey() {
        return lastKey;
    }

    public int keyStep() {
        return keyStep;
    }

    /**
     * Index of the last key argument for a call with {@code argc} arguments (Redis' last_key: negative
     * counts from the end). Keys are at firstKey, firstKey + keyStep, ... up to this index.
     */
    public int lastKeyIndex(int argc) {
        return lastKey < 0 ? argc + lastKey : Math.min(lastKey, argc - 1);
    }

    public Across acrossWhen() {
        return acrossWhen;
    }

    public KeyFinder keyFinder() {
        return keyFinder;
    }

    /** Index of this call's first key, or a value &lt;= 0 when it names none. */
    public int firstKeyOf(Args a) {
        if (keyFinder == null) {
            return firstKey;
        }
        int f = keyFinder.first(a);
        return f < 0 || keyFinder.count(a) == 0 ? 0 : f;
    }

    /** Index of this call's last key (meaningful when {@link #firstKeyOf} is positive). */
    public int lastKeyOf(Args a) {
        if (keyFinder == null) {
            return lastKeyIndex(a.count());
        }
        return keyFinder.first(a) + keyFinder.count(a) - 1;
    }

    /** Step between this call's keys. */
    public int keyStepOf() {
        return keyFinder == null ? keyStep : 1;
    }

    public List<String> aclCategories() {
        return aclCategories;
    }

    public List<Object> tips() {
        return tips;
    }

    public List<Object> keySpecs() {
        return keySpecs;
    }

    public Map<String, Object> docs() {
        return docs;
    }

    public Command handler() {
        return handler;
    }

    public Routing routing() {
        return routing;
    }

    /** Implemented here: it has a handler, or (a container) one of its subcommands has. */
    public boolean isImplemented() {
        if (handler != null) {
            return true;
        }
        for (CommandSpec sub : subcommands.values()) {
            if (sub.handler != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name;
    }
}
