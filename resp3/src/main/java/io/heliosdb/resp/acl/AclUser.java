package io.heliosdb.resp.acl;

import io.heliosdb.memory.GlobMatcher;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One ACL user: enabled or not, its password hashes (SHA-256, as Redis stores them), the commands it
 * may run (a bit per row of the command table, subcommands included, derived from its +/- rules in
 * order), and the key and channel patterns it may touch. Replaced whole on every change (copy on
 * write), so connections read it without locks.
 */
public final class AclUser {
    public final String name;
    boolean enabled;
    boolean nopass;
    final Set<String> passwords = new LinkedHashSet<>();
    final BitSet commands = new BitSet();
    /** The command rules as given (after the implicit -@all), rendered by ACL LIST / GETUSER. */
    final List<String> commandRules = new ArrayList<>();
    /** Key patterns: "~p" (read and write), "%R~p", "%W~p". */
    final List<String> keyRules = new ArrayList<>();
    final List<String> channelPatterns = new ArrayList<>();
    boolean allChannels;

    AclUser(String name) {
        this.name = name;
    }

    AclUser copy() {
        AclUser u = new AclUser(name);
        u.enabled = enabled;
        u.nopass = nopass;
        u.passwords.addAll(passwords);
        u.commands.or(commands);
        u.commandRules.addAll(commandRules);
        u.keyRules.addAll(keyRules);
        u.channelPatterns.addAll(channelPatterns);
        u.allChannels = allChannels;
        return u;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Whether {@code password} opens this user (nopass: any). */
    public boolean checkPassword(String password) {
        return enabled && (nopass || passwords.contains(sha256(password)));
    }

    public boolean mayRun(CommandSpec spec) {
        return commands.get(spec.id());
    }

    /** Whether a key may be read ({@code write} false) or written by this user. */
    public boolean mayAccessKey(byte[] key, boolean read, boolean write) {
        for (String r : keyRules) {
            boolean rr;
            boolean rw;
            String pattern;
            if (r.startsWith("%")) {
                int t = r.indexOf('~');
                String perms = r.substring(1, t).toUpperCase(Locale.ROOT);
                rr = perms.contains("R");
                rw = perms.contains("W");
                pattern = r.substring(t + 1);
            } else {
                rr = rw = true;
                pattern = r.substring(1);
            }
            if ((!read || rr) && (!write || rw)
                    && GlobMatcher.matches(pattern.getBytes(StandardCharsets.UTF_8), java.lang.foreign.MemorySegment.ofArray(key), 0, key.length, false)) {
                return true;
            }
        }
        return false;
    }

    public boolean mayAccessChannel(byte[] channel, boolean isPattern) {
        if (allChannels) {
            return true;
        }
        String c = new String(channel, StandardCharsets.UTF_8);
        for (String p : channelPatterns) {
            if (isPattern ? p.equals(c) : GlobMatcher.matches(p, c, false)) {
                return true;
            }
        }
        return false;
    }

    /** "user NAME on|off ..." as ACL LIST and the aclfile write it. */
    public String describe() {
        StringBuilder b = new StringBuilder("user ").append(name).append(enabled ? " on" : " off");
        if (nopass) {
            b.append(" nopass");
        }
        for (String p : passwords) {
            b.append(" #").append(p);
        }
        for (String k : keyRules) {
            b.append(' ').append(k);
        }
        if (allChannels) {
            b.append(" &*");
        } else {
            b.append(" resetchannels");
            for (String c : channelPatterns) {
                b.append(" &").append(c);
            }
        }
        b.append(' ').append(commandsDescription());
        return b.toString();
    }

    String commandsDescription() {
        if (commandRules.size() == 1 && commandRules.get(0).equals("+@all")) {
            return "+@all";
        }
        StringBuilder b = new StringBuilder("-@all");
        for (String r : commandRules) {
            if (!r.equals("-@all")) {
                b.append(' ').append(r);
            }
        }
        return b.toString();
    }

    /**
     * Applies one ACL SETUSER rule; returns null, or the reason it is refused ("Syntax error",
     * "Unknown command or category name in ACL").
     */
    String apply(String rule, CommandTable table) {
        String r = rule.toLowerCase(Locale.ROOT);
        switch (r) {
            case "on" -> enabled = true;
            case "off" -> enabled = false;
            case "nopass" -> {
                nopass = true;
                passwords.clear();
            }
            case "resetpass" -> {
                nopass = false;
                passwords.clear();
            }
            case "allkeys" -> {
                keyRules.clear();
                keyRules.add("~*");
            }
            case "resetkeys" -> keyRules.clear();
            case "allchannels" -> {
                allChannels = true;
                channelPatterns.clear();
            }
            case "resetchannels" -> {
                allChannels = false;
                channelPatterns.clear();
            }
            case "allcommands" -> setCommands("+@all", table);
            case "nocommands" -> setCommands("-@all", table);
            case "reset" -> {
                enabled = false;
                nopass = false;
                passwords.clear();
                keyRules.clear();
                allChannels = false;
                channelPatterns.clear();
                commands.clear();
                commandRules.clear();
            }
            default -> {
                if (rule.startsWith(">")) {
                    passwords.add(sha256(rule.substring(1)));
                    nopass = false;
                } else if (rule.startsWith("<")) {
                    passwords.remove(sha256(rule.substring(1)));
                } else if (rule.startsWith("#")) {
                    String h = rule.substring(1).toLowerCase(Locale.ROOT);
                    if (!h.matches("[0-9a-f]{64}")) {
                        return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
                    }
                    passwords.add(h);
                    nopass = false;
                } else if (rule.startsWith("!")) {
                    passwords.remove(rule.substring(1).toLowerCase(Locale.ROOT));
                } else if (rule.startsWith("~")) {
                    if (keyRules.contains("~*")) {
                        return null; // already all keys
                    }
                    keyRules.add(rule);
                } else if (rule.startsWith("%")) {
                    int t = rule.indexOf('~');
                    String perms = t < 0 ? "" : rule.substring(1, t).toUpperCase(Locale.ROOT);
                    if (t < 2 || !perms.matches("[RW]+")) {
                        return "Syntax error";
                    }
                    keyRules.add("%" + (perms.contains("R") && perms.contains("W") ? "RW" : perms) + "~" + rule.substring(t + 1));
                } else if (rule.startsWith("&")) {
                    String p = rule.substring(1);
                    if (p.equals("*")) {
                        allChannels = true;
                        channelPatterns.clear();
                    } else if (!allChannels) {
                        channelPatterns.add(p);
                    }
                } else if (rule.startsWith("+") || rule.startsWith("-")) {
                    return setCommands(rule, table);
                } else {
                    return "Syntax error";
                }
            }
        }
        return null;
    }

    private String setCommands(String rule, CommandTable table) {
        boolean allow = rule.charAt(0) == '+';
        String what = rule.substring(1).toLowerCase(Locale.ROOT);
        List<CommandSpec> rows = new ArrayList<>();
        if (what.startsWith("@")) {
            String cat = what.substring(1);
            if (!cat.equals("all") && !AclCategories.exists(table, cat)) {
                return "Unknown command or category name in ACL";
            }
            for (CommandSpec s : table.allRows()) {
                if (cat.equals("all") || s.aclCategories().contains("@" + cat)) {
                    rows.add(s);
                }
            }
        } else {
            CommandSpec s = table.find(what);
            if (s == null) {
                return "Unknown command or category name in ACL";
            }
            rows.add(s);
            rows.addAll(s.subcommands().values());
        }
        for (CommandSpec s : rows) {
            commands.set(s.id(), allow);
        }
        String normalized = rule.charAt(0) + what;
        if (what.equals("@all")) {
            commandRules.clear();
        }
        commandRules.add(normalized);
        return null;
    }

    static String sha256(String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
