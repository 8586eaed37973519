package io.heliosdb.resp.server;

import io.heliosdb.resp.engine.ServerContext;
import java.util.function.Consumer;

/** Lets an owner outside resp3 (another protocol's server, say) add a section to this server's INFO. */
public final class RespInfo {
    private RespInfo() {}

    /**
     * Adds a section written from figures its owner keeps; {@code order} places it among Redis'
     * sections (server 100, clients 200, ... cluster 1200, keyspace 1300). The writer writes the
     * header line too ("# Name\r\n").
     */
    public static void addSection(ServerContext server, String name, int order, boolean inDefault, boolean inAll,
                                  Consumer<StringBuilder> writer) {
        InfoCommand.sections(server).register(name, order, inDefault, inAll, (in, b) -> writer.accept(b));
    }
}
