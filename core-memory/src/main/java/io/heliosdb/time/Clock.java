package io.heliosdb.time;

/** Wall-clock time behind an interface so that tests can drive expiry deterministically. */
public interface Clock {
    long millis();

    Clock SYSTEM = System::currentTimeMillis;
}
