package io.heliosdb.resp.engine;

/**
 * A script or function past lua-time-limit on a shard. Its thread sets and clears
 * {@link ShardState#busyScript}; while it is set, the shard's own loop serves its sockets from the
 * script's hook and every loop answers commands for that shard with BUSY, but for those Redis lets
 * through (SCRIPT KILL, FUNCTION KILL/STATS, SHUTDOWN NOSAVE, ...).
 */
public interface BusyScript {
    String BUSY_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    String BUSY_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

    /** The client whose command runs the script (its further input waits for the reply). */
    ClientSession caller();

    /** FCALL rather than EVAL: Redis names the other KILL command in its BUSY error. */
    boolean isFunction();

    /** Stop at the next hook whatever it has done (the server shuts down). Any thread. */
    void abandon();

    default String busyError() {
        return isFunction() ? BUSY_FUNCTION : BUSY_EVAL;
    }
}
