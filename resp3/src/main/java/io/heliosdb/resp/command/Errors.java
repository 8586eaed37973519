package io.heliosdb.resp.command;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.scheduler.InternalErrors;
import io.heliosdb.scheduler.StepFailure;
import java.util.Locale;

/** Redis' error texts, verbatim (clients and tests match on them). */
public final class Errors {
    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String SYNTAX = "ERR syntax error";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";
    public static final String DB_RANGE = "ERR DB index is out of range";
    public static final String NOAUTH = "NOAUTH Authentication required.";
    public static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    public static final String NOPROTO = "NOPROTO unsupported protocol version";
    public static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    public static final String OFFSET_RANGE = "ERR offset is out of range";
    public static final String INCR_NAN = "ERR increment would produce NaN or Infinity";
    public static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    /** getIntFromObjectOrReply beyond an int (Redis' own "must between" wording). */
    public static final String INT_RANGE = "ERR value is out of range, value must between -2147483648 and 2147483647";
    public static final String MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
    public static final String MIN_MAX_NOT_FLOAT = "ERR min or max is not a float";
    public static final String MIN_MAX_NOT_LEX = "ERR min or max not valid string range item";
    /** getRangeLongFromObjectOrReply's text for a count in [-LONG_MAX, LONG_MAX] (SRANDMEMBER, HRANDFIELD, ...). */
    public static final String NOT_IN_LONG_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
    public static final String CROSSSLOT = "ERR Keys in request don't hash to the same slot";
    /** A write whose changes could not be logged: the reply must not acknowledge them. */
    public static final String NOT_DURABLE = "MISCONF Errors writing to the AOF file: the change could not be made durable";

    private Errors() {}

    public static String wrongArgs(String command) {
        return "ERR wrong number of arguments for '" + command + "' command";
    }

    public static String invalidExpire(String command) {
        return "ERR invalid expire time in '" + command + "' command";
    }

    public static String unknownSubcommand(String sub, String container) {
        return "ERR unknown subcommand '" + truncate(sub) + "'. Try " + container.toUpperCase(Locale.ROOT) + " HELP.";
    }

    /** A bug, logged under {@code id} (InternalErrors): the client sees the id, never Java text. */
    public static String internal(long id) {
        return "ERR internal error " + id + " (details in the server log)";
    }

    /** The reply for a failed step's result (a StepFailure, or an exception nobody reported yet). */
    public static String ofFailure(Object failure, InternalErrors log) {
        if (failure instanceof StepFailure f) {
            return switch (f.status()) {
                case NOT_DURABLE -> NOT_DURABLE;
                case INTERNAL -> internal(f.id());
            };
        }
        return internal(log.report("a command", failure instanceof Throwable t ? t : new IllegalStateException(String.valueOf(failure))));
    }

    /** A failed step as the tail of a longer error ("ERR checkpoint failed: internal error 3"). */
    public static String failureDetail(StepFailure f) {
        return switch (f.status()) {
            case NOT_DURABLE -> "not durable";
            case INTERNAL -> "internal error " + f.id();
        };
    }

    /** A subcommand's own arguments rejected by its handler (Redis' addReplySubcommandSyntaxError). */
    public static String subcommandSyntax(String sub, String container) {
        return "ERR unknown subcommand or wrong number of arguments for '" + truncate(sub) + "'. Try "
                + container.toUpperCase(Locale.ROOT) + " HELP.";
    }

    /** Redis' addReplySubcommandSyntaxError: the subcommand as the client typed it, the container in capitals. */
    public static String subcommandSyntax(Args a) {
        return "ERR unknown subcommand or wrong number of arguments for '" + truncate(a.string(1)) + "'. Try "
                + a.string(0).toUpperCase(Locale.ROOT) + " HELP.";
    }

    /** An argument as C's %s prints it: up to its first NUL byte. */
    public static String cString(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    /** An argument as Redis' %s prints it: up to its first NUL byte. */
    public static String cstr(String s) {
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    /** Redis prints these with %.128s: at most 128 bytes, and nothing from a NUL byte on. */
    public static String truncate(String s) {
        int nul = s.indexOf('\0');
        if (nul >= 0) {
            s = s.substring(0, nul);
        }
        return s.length() > 128 ? s.substring(0, 128) : s;
    }
}
