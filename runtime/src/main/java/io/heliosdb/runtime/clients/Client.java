package io.heliosdb.runtime.clients;

/**
 * One connected client of any protocol, as the shared registry and its reports see it. Each
 * protocol's session implements it; its other state stays with the protocol. Read from any thread.
 */
public interface Client {
    /** Unique across protocols, from {@link ClientRegistry#nextId()}. */
    long id();

    /** Which protocol serves it: {@link #RESP}, {@link #PG}, ... */
    String protocol();

    String RESP = "resp";
    String PG = "pg";

    /** The name the client gave itself; empty if none. */
    String name();

    /** The peer's address, "host:port". */
    String address();

    long createdMillis();

    long lastInteractionMillis();

    /** Closes the connection; safe from any thread. */
    void close();

    default long ageSeconds(long nowMillis) {
        return (nowMillis - createdMillis()) / 1000;
    }

    default long idleSeconds(long nowMillis) {
        return (nowMillis - lastInteractionMillis()) / 1000;
    }
}
