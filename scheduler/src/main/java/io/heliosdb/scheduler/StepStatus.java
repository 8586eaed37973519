package io.heliosdb.scheduler;

/** Why a cross-shard step has no result; each protocol's edge renders it in its own words. */
public enum StepStatus {
    /** Its changes could not be logged: the reply must not acknowledge them. */
    NOT_DURABLE,
    /** It failed with a bug, reported under an id (see {@link InternalErrors}). */
    INTERNAL
}
