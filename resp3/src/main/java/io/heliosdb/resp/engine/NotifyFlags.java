package io.heliosdb.resp.engine;

/**
 * What a notify-keyspace-events value means: Redis' NOTIFY_* flags and the parser of the
 * setting. Here, below the notification feature, because the server reads the setting on every
 * write to know whether anyone listens.
 */
public final class NotifyFlags {
    private NotifyFlags() {}

    // Redis' NOTIFY_* flags.
    public static final int KEYSPACE = 1;
    public static final int KEYEVENT = 2;
    public static final int GENERIC = 4;
    public static final int STRING = 8;
    public static final int LIST = 16;
    public static final int SET = 32;
    public static final int HASH = 64;
    public static final int ZSET = 128;
    public static final int EXPIRED = 256;
    public static final int EVICTED = 512;
    public static final int STREAM = 1024;
    public static final int KEY_MISS = 2048;
    public static final int MODULE = 4096;
    public static final int NEW = 8192;
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /** The flags of a notify-keyspace-events value; -1 when it has a character Redis refuses. */
    public static int parse(String s) {
        int f = 0;
        for (char c : s.toCharArray()) {
            f |= switch (c) {
                case 'A' -> ALL;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> -1;
            };
            if (f < 0) {
                return -1;
            }
        }
        // Without K or E nothing is ever sent (Redis: "at least K or E")
        return (f & (KEYSPACE | KEYEVENT)) == 0 ? 0 : f;
    }
}
