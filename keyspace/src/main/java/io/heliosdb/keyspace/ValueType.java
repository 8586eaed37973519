package io.heliosdb.keyspace;

import java.util.Locale;

/** Redis value types as stored in an entry's type byte; names are what TYPE replies. */
public final class ValueType {
    public static final byte STRING = 0;
    public static final byte LIST = 1;
    public static final byte SET = 2;
    public static final byte ZSET = 3;
    public static final byte HASH = 4;
    public static final byte STREAM = 6;

    private ValueType() {}

    public static String name(byte type) {
        return switch (type) {
            case STRING -> "string";
            case LIST -> "list";
            case SET -> "set";
            case ZSET -> "zset";
            case HASH -> "hash";
            case STREAM -> "stream";
            default -> throw new IllegalArgumentException("type " + type);
        };
    }

    /** The type byte for a TYPE-style name, or -1. */
    public static byte byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "string" -> STRING;
            case "list" -> LIST;
            case "set" -> SET;
            case "zset" -> ZSET;
            case "hash" -> HASH;
            case "stream" -> STREAM;
            default -> -1;
        };
    }
}
