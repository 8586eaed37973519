package io.heliosdb.resp.command;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The command table: built from Redis 7.0's own COMMAND INFO / COMMAND DOCS output (resources
 * captured by tools/capture-redis-command-table.sh), with handlers attached by the data-type
 * packages. Dispatch, arity checks, key extraction, COMMAND INFO/DOCS/COUNT/LIST and the
 * compatibility matrix all read this one table.
 */
public final class CommandTable implements ServerContext.Setup {
    public static final Feature<CommandTable> FEATURE = Feature.named("command table");
    private static final JsonFactory JSON = new JsonFactory();

    /** Features with server-wide state (ACL users, channels, monitors), installed in this order. */
    private final List<Consumer<ServerContext>> serverFeatures = new ArrayList<>();
    /** Features whose state lives on every shard, installed in this order when the shards' state is made. */
    private final List<Consumer<ShardState>> shardFeatures = new ArrayList<>();

    /** The table the server dispatches with. */
    public static CommandTable of(ServerContext server) {
        return server.get(FEATURE);
    }

    /** Registers a feature with server-wide state. */
    public void onServer(Consumer<ServerContext> install) {
        serverFeatures.add(install);
    }

    /** Registers a feature whose state lives on every shard (blocked clients, WATCH, tracking, notifications). */
    public void onEveryShard(Consumer<ShardState> install) {
        shardFeatures.add(install);
    }

    @Override
    public int commandCount() {
        return size();
    }

    @Override
    public void installOn(ServerContext server) {
        server.install(FEATURE, this);
        for (Consumer<ServerContext> f : serverFeatures) {
            f.accept(server);
        }
    }

    /** Installs the command contexts and every registered feature on {@code shard} (before it serves). */
    @Override
    public void installOn(ShardState shard) {
        CommandContext.installOn(shard);
        for (Consumer<ShardState> f : shardFeatures) {
            f.accept(shard);
        }
    }

    private final Map<String, CommandSpec> byName = new TreeMap<>();
    private final List<CommandSpec> byId = new ArrayList<>();
    private CommandSpec[] slots = new CommandSpec[1024];
    /** Full names ("get", "client|id") of Redis 7.0's own commands and subcommands. */
    private final Set<String> redis70 = new HashSet<>();

    public static CommandTable loadRedis70() {
        CommandTable t = new CommandTable();
        t.load(read("redis-7.0-command-info.json"), read("redis-7.0-command-docs.json"));
        t.addSubcommands(read("heliosdb-extra-command-info.json"), read("heliosdb-extra-command-docs.json"));
        return t;
    }

    private static String read(String resource) {
        try (InputStream in = CommandTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * JSON text (read with jackson-core's streaming parser) as the metadata code walks it: objects
     * as insertion-ordered maps, arrays as lists, integers as Long, other numbers as Double.
     * Malformed text, or anything after the first value, throws.
     */
    public static Object parseJson(String text) {
        try (JsonParser p = JSON.createParser(text)) {
            Object v = value(p, p.nextToken());
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("JSON: trailing characters at " + p.currentLocation());
            }
            return v;
        } catch (IOException e) {
            throw new IllegalArgumentException("JSON: " + e.getMessage(), e);
        }
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            throw new IllegalArgumentException("JSON: unexpected end");
        }
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (String k = p.nextFieldName(); k != null; k = p.nextFieldName()) {
                    m.put(k, value(p, p.nextToken()));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    l.add(value(p, e));
                }
                yield l;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalArgumentException("JSON: unexpected " + t + " at " + p.currentLocation());
        };
    }

    @SuppressWarnings("unchecked")
    private void load(String infoJson, String docsJson) {
        List<Object> info = (List<Object>) parseJson(infoJson);
        Map<String, Object> docs = (Map<String, Object>) parseJson(docsJson);
        for (Object row : info) {
            CommandSpec spec = build((List<Object>) row, null, docs);
            byName.put(spec.name, spec);
        }
        for (CommandSpec spec : byName.values()) {
            index(spec);
            redis70.add(spec.name);
            spec.subcommands.values().forEach(sub -> redis70.add(sub.name));
        }
    }

    /**
     * Rows newer than Redis 7.0 that current clients send: subcommands (CLIENT SETINFO from Redis 7.2)
     * and, under "*", HeliosDB's own commands and newer forms of Redis commands (ZRANK WITHSCORE).
     */
    @SuppressWarnings("unchecked")
    private void addSubcommands(String infoJson, String docsJson) {
        Map<String, Object> info = (Map<String, Object>) parseJson(infoJson);
        Map<String, Object> docs = (Map<String, Object>) parseJson(docsJson);
        for (Map.Entry<String, Object> e : info.entrySet()) {
            if (e.getKey().equals("*")) { // HeliosDB's own top-level commands
                Map<String, Object> topDocs = (Map<String, Object>) docs.getOrDefault("*", Map.of());
                for (Object row : (List<Object>) e.getValue()) {
                    CommandSpec spec = build((List<Object>) row, null, topDocs);
                    byName.put(spec.name, spec);
                    index(spec);
                }
                continue;
            }
            CommandSpec container = byName.get(e.getKey());
            Map<String, Object> subDocs = (Map<String, Object>) docs.getOrDefault(e.getKey(), Map.of());
            for (Object row : (List<Object>) e.getValue()) {
                String full = (String) ((List<Object>) row).get(0);
                Map<String, Object> rowDocs = (Map<String, Object>) subDocs.getOrDefault(full, Map.of());
                CommandSpec sub = build((List<Object>) row, container, Map.of(full, rowDocs));
                container.subcommandsMutable().put(full.substring(full.indexOf('|') + 1), sub);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private CommandSpec build(List<Object> row, CommandSpec container, Map<String, Object> docsTable) {
        String name = ((String) row.get(0)).toLowerCase(Locale.ROOT);
        Map<String, Object> docs;
        if (container == null || docsTable.containsKey(name)) {
            docs = (Map<String, Object>) docsTable.getOrDefault(name, Map.of());
        } else {
            Map<String, Object> subs = (Map<String, Object>) container.docs.getOrDefault("subcommands", Map.of());
            docs = (Map<String, Object>) subs.getOrDefault(name, Map.of());
        }
        Map<String, CommandSpec> subcommands = new LinkedHashMap<>();
        CommandSpec spec = new CommandSpec(name, container, ((Long) row.get(1)).intValue(),
                Collections.unmodifiableSet(new LinkedHashSet<>((List<String>) (List<?>) row.get(2))),
                ((Long) row.get(3)).intValue(), ((Long) row.get(4)).intValue(), ((Long) row.get(5)).intValue(),
                (List<String>) (List<?>) row.get(6), (List<Object>) row.get(7), (List<Object>) row.get(8),
                subcommands, docs, byId.size());
        byId.add(spec);
        for (Object sub : (List<Object>) row.get(9)) {
            CommandSpec s = build((List<Object>) sub, spec, docsTable);
            subcommands.put(s.name.substring(s.name.indexOf('|') + 1), s);
        }
        return spec;
    }

    /**
     * Attaches a handler to a command ("get") or subcommand ("client|id"). A container's own handler
     * serves the bare call (COMMAND with no subcommand).
     */
    public void register(String name, Routing routing, Command handler) {
        CommandSpec spec = find(name);
        if (spec == null) {
            throw new IllegalArgumentException("no such command in the table: " + name);
        }
        if (spec.handler != null) {
            throw new IllegalStateException("command registered twice: " + name);
        }
        spec.handler = handler;
        spec.routing = routing;
    }

    /** Declares where a movable-keys command's keys are (see {@link CommandSpec.KeyFinder}). */
    public void keys(String name, CommandSpec.KeyFinder finder) {
        find(name).keyFinder = finder;
    }

    /** Routes matching calls of a KEYS command across shards even when their keys share one (see {@link CommandSpec#acrossWhen}). */
    public void across(String name, CommandSpec.Across when) {
        find(name).acrossWhen = when;
    }

    /** A command or "container|sub" by name, or null. */
    public CommandSpec find(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        int bar = n.indexOf('|');
        if (bar < 0) {
            return byName.get(n);
        }
        CommandSpec c = byName.get(n.substring(0, bar));
        return c == null ? null : c.subcommands.get(n.substring(bar + 1));
    }

    /** Top-level commands, implemented or not, by name. */
    public Collection<CommandSpec> all() {
        return byName.values();
    }

    public CommandSpec byId(int id) {
        return byId.get(id);
    }

    public int size() {
        return byId.size();
    }

    /** Every row including subcommands, and the Redis 7.0 rows that newer forms replaced (ZRANK): ids index it. */
    public List<CommandSpec> allRows() {
        return Collections.unmodifiableList(byId);
    }

    /** The rows that dispatch: each top-level command (in name order) followed by its subcommands. */
    public List<CommandSpec> liveRows() {
        List<CommandSpec> rows = new ArrayList<>(byId.size());
        for (CommandSpec s : byName.values()) {
            rows.add(s);
            rows.addAll(s.subcommands.values());
        }
        return rows;
    }

    /** Whether Redis 7.0 has this command or subcommand (not HeliosDB's own, nor one from a newer Redis). */
    public boolean inRedis70(CommandSpec s) {
        return redis70.contains(s.name);
    }

    /** Case-insensitive lookup of a top-level command name in request bytes; no allocation. */
    public CommandSpec lookup(MemorySegment seg, long off, int len) {
        int mask = slots.length - 1;
        for (int i = hash(seg, off, len) & mask; ; i = (i + 1) & mask) {
            CommandSpec s = slots[i];
            if (s == null) {
                return null;
            }
            if (nameEquals(s.name, seg, off, len)) {
                return s;
            }
        }
    }

    /** Subcommand lookup, same rules. */
    public static CommandSpec lookupSub(CommandSpec container, MemorySegment seg, long off, int len) {
        for (Map.Entry<String, CommandSpec> e : container.subcommands.entrySet()) {
            if (nameEquals(e.getKey(), seg, off, len)) {
                return e.getValue();
            }
        }
        return null;
    }

    private void index(CommandSpec spec) {
        byte[] b = spec.name.getBytes(StandardCharsets.US_ASCII);
        int mask = slots.length - 1;
        int i = hash(MemorySegment.ofArray(b), 0, b.length) & mask;
        while (slots[i] != null) {
            if (slots[i].name.equals(spec.name)) {
                slots[i] = spec; // a newer row for the same command (ZRANK's Redis 7.2 form replaces 7.0's)
                return;
            }
            i = (i + 1) & mask;
        }
        slots[i] = spec;
    }

    private static int hash(MemorySegment seg, long off, int len) {
        int h = 0;
        for (int i = 0; i < len; i++) {
            int c = seg.get(NativeMemory.BYTE, off + i);
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            h = h * 31 + c;
        }
        return h ^ (h >>> 16);
    }

    private static boolean nameEquals(String name, MemorySegment seg, long off, int len) {
        if (name.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            int c = seg.get(NativeMemory.BYTE, off + i);
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
