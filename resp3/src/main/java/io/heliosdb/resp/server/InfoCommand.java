package io.heliosdb.resp.server;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.runtime.info.InfoSections;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * INFO [section ...], with the sections and field names clients and monitoring tools read: the
 * shards report their figures, then the registered sections ({@link RespInfoSections}) are written.
 */
final class InfoCommand {
    private InfoCommand() {}

    /** This server's INFO sections; another owner may register its own (a name not taken, an order of its own). */
    static InfoSections<InfoInput> sections(ServerContext server) {
        return server.featureState(SECTIONS, () -> new Sections(RespInfoSections.create())).registry;
    }

    private record Sections(InfoSections<InfoInput> registry) {}

    private static final Feature<Sections> SECTIONS = Feature.named("info sections");

    /** What each shard reports; taken on the shard's own thread. */
    record ShardSnapshot(long[] keys, long[] expires, long usedMemory, long[] calls, long[] micros, long[] failed,
                         long[] rejected, long hits, long misses, long expired, Object latencies) {}

    static void run(CrossShardCall call) {
        Args a = call.args();
        List<String> words = new ArrayList<>();
        for (int i = 1; i < a.count(); i++) {
            words.add(a.lower(i));
        }
        InfoSections<InfoInput> registry = sections(call.server());
        Set<String> sections = registry.select(words);
        call.runOnce(call.server().shards().all(), s -> {
            ShardState st = ServerContext.state(s);
            long[] keys = new long[st.databases()];
            long[] expires = new long[st.databases()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = st.db(i).size();
                expires[i] = st.db(i).volatileCount();
            }
            return new ShardSnapshot(keys, expires, st.usedMemory(), st.commandCalls.clone(), st.commandMicros.clone(),
                    st.commandFailed.clone(), st.commandRejected.clone(), st.keyspaceHits, st.keyspaceMisses, st.expiredKeys,
                    sections.contains("latencystats") ? st.latencies.copies() : null);
        }, (out, results) -> out.verbatim(registry.render(sections, InfoInput.gather(call.server(), results))));
    }
}
