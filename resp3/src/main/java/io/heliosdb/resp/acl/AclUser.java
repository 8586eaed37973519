package io.heliosdb.resp.acl;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.InlineSplitter;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One ACL user: enabled or not, its password hashes (SHA-256, as Redis stores them), and its
 * permissions: the root {@link AclSelector} plus any "(...)" selectors (Redis 7). Replaced whole on
 * every change (copy on write), so connections read it without locks. Rules, patterns and their
 * descriptions are byte strings held one char per byte (ISO-8859-1), as Redis keeps them in sds: a
 * pattern or password need not be UTF-8. (The user's name is still UTF-8 text.)
 */
public final class AclUser {
    public final String name;
    boolean enabled;
    boolean nopass;
    /** sanitize-payload (1) or skip-sanitize-payload (2) as set by the user's rules; 0 for neither. */
    int sanitize;
    final Set<String> passwords = new LinkedHashSet<>();
    AclSelector root;
    final List<AclSelector> selectors = new ArrayList<>();
    /**
     * acl-pubsub-default as it is now: allchannels (true) or resetchannels. A selector takes it when
     * it is made (the user's root, a "(...)" selector, "reset"), as Redis' ACLCreateSelector does.
     */
    private final BooleanSupplier allChannelsByDefault;

    AclUser(String name, BooleanSupplier allChannelsByDefault) {
        this.name = name;
        this.allChannelsByDefault = allChannelsByDefault;
        this.root = new AclSelector(allChannelsByDefault.getAsBoolean());
    }

    AclUser copy() {
        AclUser u = new AclUser(name, allChannelsByDefault);
        u.enabled = enabled;
        u.nopass = nopass;
        u.sanitize = sanitize;
        u.passwords.addAll(passwords);
        u.root = root.copy();
        selectors.forEach(s -> u.selectors.add(s.copy()));
        return u;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Whether {@code password} (any bytes) opens this user (nopass: any). */
    public boolean checkPassword(byte[] password) {
        return enabled && (nopass || passwords.contains(sha256(password)));
    }

    /**
     * {@link AclSelector#OK} when some selector allows the call, else the most relevant refusal of
     * all selectors (reason << 32 | argument index), as Redis' ACLCheckAllUserCommandPerm picks it.
     */
    long check(CommandSpec spec, Args a) {
        long worst = root.check(spec, a);
        if (worst == AclSelector.OK) {
            return worst;
        }
        for (AclSelector s : selectors) {
            long r = s.check(spec, a);
            if (r == AclSelector.OK) {
                return r;
            }
            worst = Math.max(worst, r);
        }
        return worst;
    }

    /** "user NAME flags passwords root-selector (selector)...", as ACL LIST and the aclfile write it (one char per byte). */
    public String describe(CommandTable table) {
        String nameBytes = new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        StringBuilder b = new StringBuilder("user ").append(nameBytes).append(' ').append(String.join(" ", flags())).append(' ');
        for (String p : passwords) {
            b.append('#').append(p).append(' ');
        }
        b.append(root.describe(table));
        for (AclSelector s : selectors) {
            b.append(" (").append(s.describe(table)).append(')');
        }
        return b.toString();
    }

    /** The user's flags in Redis' order (ACL GETUSER, ACL LIST). */
    List<String> flags() {
        List<String> f = new ArrayList<>();
        f.add(enabled ? "on" : "off");
        if (nopass) {
            f.add("nopass");
        }
        if (sanitize == 2) {
            f.add("skip-sanitize-payload");
        } else if (sanitize == 1) {
            f.add("sanitize-payload");
        }
        return f;
    }

    /**
     * Joins ACL SETUSER arguments that spell one selector over several ("(~k*", "+get)"), as Redis'
     * ACLMergeSelectorArguments; throws with Redis' error when a parenthesis is left open.
     */
    static List<String> mergeSelectors(List<String> rules) {
        List<String> out = new ArrayList<>();
        StringBuilder open = null;
        String start = null;
        for (String r : rules) {
            if (r.startsWith("(") && !r.endsWith(")")) {
                open = new StringBuilder(r); // another "(" while one is open starts over, as in Redis
                start = r;
            } else if (open != null) {
                open.append(' ').append(r);
                if (r.endsWith(")")) {
                    out.add(open.toString());
                    open = null;
                }
            } else {
                out.add(r);
            }
        }
        if (open != null) {
            throw new IllegalArgumentException("ERR Unmatched parenthesis in acl selector starting at '" + start + "'.");
        }
        return out;
    }

    /**
     * Applies one ACL SETUSER rule; returns null, or the reason it is refused ("Syntax error",
     * "Unknown command or category name in ACL"). User rules are handled here, "(...)" makes a
     * selector, everything else goes to the root selector.
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
            case "sanitize-payload" -> sanitize = 1;
            case "skip-sanitize-payload" -> sanitize = 2;
            case "clearselectors" -> selectors.clear();
            case "reset" -> {
                // Redis: resetpass resetkeys resetchannels [allchannels] off sanitize-payload clearselectors -@all
                nopass = false;
                passwords.clear();
                root = new AclSelector(allChannelsByDefault.getAsBoolean());
                enabled = false;
                sanitize = 1;
                selectors.clear();
            }
            default -> {
                if (rule.startsWith(">")) {
                    passwords.add(sha256(passwordBytes(rule)));
                    nopass = false;
                } else if (rule.startsWith("<")) {
                    if (!passwords.remove(sha256(passwordBytes(rule)))) {
                        return "The password you are trying to remove from the user does not exist";
                    }
                } else if (rule.startsWith("#")) {
                    String h = rule.substring(1);
                    if (!h.matches("[0-9a-f]{64}")) {
                        return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
                    }
                    passwords.add(h);
                    nopass = false;
                } else if (rule.startsWith("!")) {
                    String h = rule.substring(1);
                    if (!h.matches("[0-9a-f]{64}")) { // checked before the lookup, as Redis' ACLSetUser
                        return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
                    }
                    if (!passwords.remove(h)) {
                        return "The password you are trying to remove from the user does not exist";
                    }
                } else if (rule.startsWith("(") && rule.endsWith(")")) {
                    AclSelector s = new AclSelector(allChannelsByDefault.getAsBoolean());
                    // Redis splits the selector with sdssplitargs; unbalanced quotes make it empty
                    List<String> ops = InlineSplitter.split(rule.substring(1, rule.length() - 1));
                    for (String op : ops == null ? List.<String>of() : ops) {
                        String why = s.apply(op, table);
                        if (why != null) {
                            return why;
                        }
                    }
                    selectors.add(s);
                } else {
                    return root.apply(rule, table);
                }
            }
        }
        return null;
    }

    /** The password of a "&gt;pw" or "&lt;pw" rule, as sent. */
    private static byte[] passwordBytes(String rule) {
        return rule.substring(1).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A text of rules (one char per byte) as the bytes sent or written. */
    static byte[] bytes(String rules) {
        return rules.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String sha256(byte[] password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
