package io.heliosdb.resp.server;

import io.heliosdb.runtime.config.ConfigChange;
import java.util.Locale;

/** CONFIG SET's refusals in Redis 7.0's words (config.c's configSetCommand). */
final class ConfigSetErrors {
    private ConfigSetErrors() {}

    /** The error reply for a change that was not applied. */
    static String text(ConfigChange c) {
        return switch (c.status()) {
            case UNKNOWN -> "ERR Unknown option or number of arguments for CONFIG SET - '" + c.name() + "'";
            case IMMUTABLE -> failed(c.name(), "can't set immutable config");
            case PROTECTED -> failed(c.name(), "can't set protected config");
            case DUPLICATE -> failed(c.name(), "duplicate parameter");
            // Redis names a refused value's parameter lower-cased, the others as typed
            case INVALID -> failed(c.name().toLowerCase(Locale.ROOT), c.reason());
            case APPLIED -> throw new IllegalArgumentException("not an error: " + c);
        };
    }

    private static String failed(String name, String why) {
        return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why;
    }
}
