package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heliosdb.resp.RespCommands;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * docs/compatibility.md lists every Redis 7 command with its status here. It is generated from the
 * command table, so it cannot drift: this test fails when the file differs from what the table
 * says (run with -Dheliosdb.writeDocs=true to rewrite it).
 */
class CompatibilityMatrixTest {
    /** Commands that are implemented but differ from Redis in a way users should know. */
    static final Map<String, String> PARTIAL = Map.ofEntries(
            Map.entry("asking", "standalone: says cluster support is disabled, as Redis does"),
            Map.entry("client", "no replicas, so TYPE master/replica match nothing"),
            Map.entry("cluster", "standalone: every subcommand says cluster support is disabled, as Redis does"),
            Map.entry("config", "no REWRITE yet"),
            Map.entry("debug", "SLEEP and OBJECT only"),
            Map.entry("info", "sections and fields clients read; persistence reports the in-memory build"),
            Map.entry("memory", "USAGE and HELP only"),
            Map.entry("object", "encodings of strings only until the other types land"),
            Map.entry("readonly", "standalone: says cluster support is disabled, as Redis does"),
            Map.entry("readwrite", "standalone: says cluster support is disabled, as Redis does"),
            Map.entry("scan", "cursor encodes the shard in its low 10 bits"),
            Map.entry("module", "Redis modules cannot be loaded: LIST is empty, LOAD/LOADEX/UNLOAD fail with Redis' errors"),
            Map.entry("lolwut", "VERSION 5 canvases above 16M pixels are refused (Redis draws up to 800M)"),
            Map.entry("wait", "no replicas yet, so it answers 0 (at once, or when its timeout passes)"),
            Map.entry("shutdown", "in-memory build: SAVE has nothing to write yet"));

    static String render(CommandTable table) {
        StringBuilder b = new StringBuilder();
        b.append("# Redis 7 command compatibility\n\n");
        b.append("Generated from the command table by `CompatibilityMatrixTest` (do not edit by hand; run\n");
        b.append("`mvn -pl server test -Dtest=CompatibilityMatrixTest -Dheliosdb.writeDocs=true`).\n");
        b.append("Statuses: **supported** (Redis 7.0 semantics and replies, tested under RESP2 and RESP3),\n");
        b.append("**partial** (what differs is stated), **not yet**.\n\n");
        Map<String, TreeMap<String, CommandSpec>> byGroup = new TreeMap<>();
        for (CommandSpec s : table.all()) {
            String group = String.valueOf(s.docs().getOrDefault("group", "other"));
            byGroup.computeIfAbsent(group, g -> new TreeMap<>()).put(s.name(), s);
        }
        int supported = 0, partial = 0, missing = 0;
        StringBuilder rows = new StringBuilder();
        for (var group : byGroup.entrySet()) {
            rows.append("\n## ").append(group.getKey()).append("\n\n| command | status | notes |\n|---|---|---|\n");
            for (CommandSpec s : group.getValue().values()) {
                String status;
                String notes = "";
                if (!s.isImplemented()) {
                    status = "not yet";
                    missing++;
                } else if (PARTIAL.containsKey(s.name()) || (s.isContainer() && !allSubcommands(s))) {
                    status = "partial";
                    partial++;
                    notes = PARTIAL.getOrDefault(s.name(), "");
                    if (s.isContainer()) {
                        StringBuilder subs = new StringBuilder();
                        for (var sub : s.subcommands().entrySet()) {
                            if (sub.getValue().handler() != null) {
                                subs.append(subs.isEmpty() ? "" : ", ").append(sub.getKey().toUpperCase());
                            }
                        }
                        notes = (notes.isEmpty() ? "" : notes + "; ") + "subcommands: " + subs;
                    }
                } else {
                    status = "supported";
                    supported++;
                }
                rows.append("| ").append(s.name().toUpperCase()).append(" | ").append(status).append(" | ")
                        .append(notes).append(" |\n");
            }
        }
        b.append("Totals: ").append(supported).append(" supported, ").append(partial).append(" partial, ")
                .append(missing).append(" not yet.\n");
        b.append(rows);
        return b.toString();
    }

    private static boolean allSubcommands(CommandSpec s) {
        return s.subcommands().values().stream().allMatch(sub -> sub.handler() != null);
    }

    @Test
    void docsListEveryCommandWithItsStatus() throws Exception {
        Path doc = Path.of("..", "docs", "compatibility.md");
        String expected = render(RespCommands.table());
        if (Boolean.getBoolean("heliosdb.writeDocs")) {
            Files.writeString(doc, expected);
        }
        assertEquals(expected, Files.readString(doc), "docs/compatibility.md is out of date; regenerate it");
    }
}
