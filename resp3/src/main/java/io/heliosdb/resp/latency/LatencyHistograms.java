package io.heliosdb.resp.latency;

import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.engine.CommandLatencies;
import io.heliosdb.resp.engine.ServerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * LATENCY HISTOGRAM and INFO latencystats: every shard's per-command histograms, merged. The
 * cumulative buckets are those Redis' fillCommandCDF reports (hdr's log iteration from 1024 ns,
 * base 2, labelled by each level's highest equivalent value in microseconds).
 */
public final class LatencyHistograms {
    private LatencyHistograms() {}

    /** Each shard's histograms merged, indexed by command id (null where no call was recorded). */
    static Histogram[] merge(Object[] perShard, int commands) {
        Histogram[] merged = new Histogram[commands];
        for (Object o : perShard) {
            Histogram[] hs = (Histogram[]) o;
            for (int i = 0; i < commands; i++) {
                if (hs[i] == null) {
                    continue;
                }
                if (merged[i] == null) {
                    merged[i] = CommandLatencies.newHistogram();
                }
                merged[i].add(hs[i]);
            }
        }
        return merged;
    }

    /** LATENCY HISTOGRAM [command ...]: all commands with data, or the named ones (a container names its subcommands too). */
    public static void histogram(CrossShardCall call) {
        ServerContext server = call.server();
        int commands = CommandTable.of(server).size();
        var a = call.args();
        call.runOnce(server.shards().all(), s -> ServerContext.state(s).latencies.copies(), (out, r) -> {
            Histogram[] merged = merge(r, commands);
            List<CommandSpec> chosen = new ArrayList<>(); // Redis answers a name given twice twice
            if (a.count() == 2) {
                chosen.addAll(CommandTable.of(server).allRows());
            } else {
                for (int i = 2; i < a.count(); i++) {
                    CommandSpec spec = CommandTable.of(server).find(a.string(i));
                    if (spec == null) {
                        continue; // Redis skips names it does not know
                    }
                    chosen.add(spec);
                    chosen.addAll(spec.subcommands().values());
                }
            }
            List<CommandSpec> withData = new ArrayList<>();
            for (CommandSpec spec : chosen) {
                if (merged[spec.id()] != null) {
                    withData.add(spec);
                }
            }
            out.map(withData.size());
            for (CommandSpec spec : withData) {
                out.bulk(spec.name());
                writeCdf(out, merged[spec.id()]);
            }
        });
    }

    /** fillCommandCDF: calls, then the cumulative count at each power-of-two level that adds calls. */
    private static void writeCdf(RespWriter out, Histogram h) {
        out.map(2);
        out.bulk("calls");
        out.integer(h.getTotalCount());
        out.bulk("histogram_usec");
        List<long[]> rows = new ArrayList<>();
        long previous = 0;
        for (long level = 1024; previous < h.getTotalCount(); level <<= 1) {
            long upTo = h.highestEquivalentValue(level);
            long cumulative = h.getCountBetweenValues(0, upTo);
            if (cumulative > previous) {
                rows.add(new long[]{upTo / 1000, cumulative});
            }
            previous = cumulative;
            if (level > CommandLatencies.MAX) {
                break;
            }
        }
        out.map(rows.size());
        for (long[] row : rows) {
            out.integer(row[0]);
            out.integer(row[1]);
        }
    }

    /** INFO latencystats lines for the merged histograms, with latency-tracking-info-percentiles. */
    public static void info(StringBuilder b, ServerContext server, Object[] perShard) {
        Histogram[] merged = merge(perShard, CommandTable.of(server).size());
        List<Double> percentiles = new ArrayList<>();
        for (String p : server.config().get("latency-tracking-info-percentiles").trim().split("\\s+")) {
            if (!p.isEmpty()) {
                percentiles.add(Double.parseDouble(p));
            }
        }
        for (CommandSpec spec : CommandTable.of(server).allRows()) {
            Histogram h = merged[spec.id()];
            if (h == null) {
                continue;
            }
            b.append("latency_percentiles_usec_").append(spec.name()).append(':');
            for (int j = 0; j < percentiles.size(); j++) {
                if (j > 0) {
                    b.append(',');
                }
                b.append('p').append(trim(percentiles.get(j))).append('=')
                        .append(String.format(Locale.ROOT, "%.3f", CommandLatencies.valueAtPercentile(h, percentiles.get(j)) / 1000.0));
            }
            b.append("\r\n");
        }
    }

    /** "%f" then trimDoubleString: 50 for 50.0, 99.9 for 99.9. */
    private static String trim(double d) {
        String s = String.format(Locale.ROOT, "%f", d);
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s;
    }
}
