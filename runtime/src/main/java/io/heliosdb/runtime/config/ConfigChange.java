package io.heliosdb.runtime.config;

/**
 * The outcome of a runtime change of several parameters: applied, or the first problem, the name
 * as the client typed it and, for a refused value, why. Each protocol words it for its clients.
 */
public record ConfigChange(Status status, String name, String reason) {
    public enum Status { APPLIED, UNKNOWN, IMMUTABLE, PROTECTED, DUPLICATE, INVALID }

    public static final ConfigChange APPLIED = new ConfigChange(Status.APPLIED, null, null);

    public boolean applied() {
        return status == Status.APPLIED;
    }
}
