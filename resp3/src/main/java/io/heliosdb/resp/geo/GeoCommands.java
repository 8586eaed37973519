package io.heliosdb.resp.geo;

import static io.heliosdb.resp.collections.TypedKeys.WRONG;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.keyspace.collection.ZTree;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.KeyGather;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The geo family: points in sorted sets scored by 52-bit geohashes, as Redis stores them. */
public final class GeoCommands {
    private GeoCommands() {}

    public static void register(CommandTable t) {
        t.register("geoadd", Routing.KEYS, GeoCommands::geoadd);
        t.register("geopos", Routing.KEYS, GeoCommands::geopos);
        t.register("geodist", Routing.KEYS, GeoCommands::geodist);
        t.register("geohash", Routing.KEYS, GeoCommands::geohash);
        t.register("geosearch", Routing.KEYS, new GeoSearch(GeoSearch.Form.SEARCH));
        t.register("geosearchstore", Routing.KEYS, new GeoSearch(GeoSearch.Form.SEARCHSTORE));
        t.register("georadius", Routing.ALL_SHARDS, new GeoSearch(GeoSearch.Form.RADIUS));
        t.register("georadius_ro", Routing.KEYS, new GeoSearch(GeoSearch.Form.RADIUS_RO));
        t.register("georadiusbymember", Routing.ALL_SHARDS, new GeoSearch(GeoSearch.Form.BYMEMBER));
        t.register("georadiusbymember_ro", Routing.KEYS, new GeoSearch(GeoSearch.Form.BYMEMBER_RO));
    }

    /** Redis' addReplyHumanLongDouble: "%.17Lf" with trailing zeros removed. */
    static String human(double d) {
        String s = new BigDecimal(d).setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s.equals("-0") ? "0" : s;
    }

    static String distance(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    /** Metres per unit, or -1 for an unknown unit. */
    static double unit(String u) {
        return switch (u.toLowerCase(Locale.ROOT)) {
            case "m" -> 1;
            case "km" -> 1000;
            case "ft" -> 0.3048;
            case "mi" -> 1609.34;
            default -> -1;
        };
    }

    static final String BAD_UNIT = "ERR unsupported unit provided. please use M, KM, FT, MI";

    static void geoadd(CommandContext ctx) {
        Args a = ctx.args();
        boolean xx = false, nx = false, ch = false;
        int i = 2;
        for (; i < a.count(); i++) {
            String o = a.lower(i);
            if (o.equals("nx")) {
                nx = true;
            } else if (o.equals("xx")) {
                xx = true;
            } else if (o.equals("ch")) {
                ch = true;
            } else {
                break;
            }
        }
        if ((a.count() - i) % 3 != 0 || (xx && nx) || a.count() == i) {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        int n = (a.count() - i) / 3;
        double[] scores = new double[n];
        for (int k = 0; k < n; k++) {
            double lon = TypedKeys.parseDouble(a, i + 3 * k);
            double lat = TypedKeys.parseDouble(a, i + 3 * k + 1);
            if (Double.isNaN(lon) || Double.isNaN(lat)) {
                ctx.out().error(Errors.NOT_FLOAT);
                return;
            }
            GeoHash.Bits h = GeoHash.encodeWgs84(lon, lat, GeoHash.STEP_MAX);
            if (h == null) {
                ctx.out().error("ERR invalid longitude,latitude pair " + GeoHash.printfF(lon) + "," + GeoHash.printfF(lat));
                return;
            }
            scores[k] = (double) (h.bits() << (52 - GeoHash.STEP_MAX * 2));
        }
        long e = TypedKeys.write(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            if (xx) {
                ctx.out().integer(0);
                return;
            }
            e = TypedKeys.create(ctx, 1, ValueType.ZSET, new ZSetValue());
        }
        ZSetValue z = TypedKeys.value(ctx, e);
        long added = 0, changed = 0;
        for (int k = 0; k < n; k++) {
            ByteKey m = TypedKeys.key(a, i + 3 * k + 2);
            Double cur = z.score(m);
            if (cur != null ? nx : xx) {
                continue;
            }
            if (cur == null) {
                added++;
            } else if (cur != scores[k]) {
                changed++;
            }
            z.put(m, scores[k]);
            z.checkCompact((int) TypedKeys.limit(ctx, "zset-max-listpack-entries"), (int) TypedKeys.limit(ctx, "zset-max-listpack-value"),
                    m.bytes.length);
        }
        TypedKeys.changed(ctx.db(), e);
        if (added > 0) {
            BlockedClients.of(ctx.shard()).signal(ctx.dbIndex(), a, 1);
        }
        ctx.out().integer(ch ? added + changed : added);
    }

    private static ZSetValue readable(CommandContext ctx) {
        long e = TypedKeys.read(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return null;
        }
        return e == Keyspace.NONE ? new ZSetValue() : TypedKeys.value(ctx, e);
    }

    static void geopos(CommandContext ctx) {
        Args a = ctx.args();
        ZSetValue z = readable(ctx);
        if (z == null) {
            return;
        }
        RespWriter out = ctx.out();
        out.array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            Double s = z.score(TypedKeys.key(a, i));
            if (s == null) {
                out.nullArray();
            } else {
                double[] xy = GeoHash.decodeScore(s);
                out.array(2);
                coordinate(out, xy[0]);
                coordinate(out, xy[1]);
            }
        }
    }

    static void geodist(CommandContext ctx) {
        Args a = ctx.args();
        double toMeters = 1;
        if (a.count() == 5) {
            toMeters = unit(a.string(4));
            if (toMeters < 0) {
                ctx.out().error(BAD_UNIT);
                return;
            }
        } else if (a.count() > 5) {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        ZSetValue z = readable(ctx);
        if (z == null) {
            return;
        }
        Double s1 = z.score(TypedKeys.key(a, 2));
        Double s2 = z.score(TypedKeys.key(a, 3));
        if (s1 == null || s2 == null) {
            ctx.out().nullBulk();
            return;
        }
        double[] p1 = GeoHash.decodeScore(s1);
        double[] p2 = GeoHash.decodeScore(s2);
        ctx.out().bulk(distance(GeoHash.distance(p1[0], p1[1], p2[0], p2[1]) / toMeters));
    }

    static void geohash(CommandContext ctx) {
        Args a = ctx.args();
        ZSetValue z = readable(ctx);
        if (z == null) {
            return;
        }
        ctx.out().array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            Double s = z.score(TypedKeys.key(a, i));
            if (s == null) {
                ctx.out().nullBulk();
            } else {
                ctx.out().bulk(GeoHash.standardHash(s));
            }
        }
    }

    /** A point found by a search. */
    record Found(ByteKey member, double score, double dist, double lon, double lat) {}

    /** Every member within the shape, scanning the nine cells as Redis does (so unsorted results come in its order). */
    static List<Found> search(ZSetValue z, double lon, double lat, boolean box, double radiusM, double widthM, double heightM,
                              long limit) {
        double halfHeight = box ? heightM / 2 : radiusM;
        double halfWidth = box ? widthM / 2 : radiusM;
        double radius = box ? Math.sqrt((widthM / 2) * (widthM / 2) + (heightM / 2) * (heightM / 2)) : radiusM;
        GeoHash.Bits[] cells = GeoHash.areas(lon, lat, halfHeight, halfWidth, radius);
        List<Found> out = new ArrayList<>();
        int last = 0;
        for (int i = 0; i < cells.length; i++) {
            if (cells[i].zero()) {
                continue;
            }
            if (last != 0 && cells[i].bits() == cells[last].bits() && cells[i].step() == cells[last].step()) {
                continue;
            }
            if (!out.isEmpty() && limit > 0 && out.size() >= limit) {
                break;
            }
            long[] range = GeoHash.scoreRange(cells[i]);
            ZTree.ScoreRange r = new ZTree.ScoreRange(range[0], false, range[1], true);
            for (ZTree.Node n = z.list().firstInRange(r); n != null && r.belowMax(n.score); n = n.next()) {
                double[] xy = GeoHash.decodeScore(n.score);
                double d;
                if (box) {
                    if (GeoHash.latDistance(xy[1], lat) > heightM / 2) {
                        continue;
                    }
                    if (GeoHash.distance(xy[0], xy[1], lon, xy[1]) > widthM / 2) {
                        continue;
                    }
                    d = GeoHash.distance(lon, lat, xy[0], xy[1]);
                } else {
                    d = GeoHash.distance(lon, lat, xy[0], xy[1]);
                    if (d > radiusM) {
                        continue;
                    }
                }
                out.add(new Found(n.member, n.score, d, xy[0], xy[1]));
                if (limit > 0 && out.size() >= limit) {
                    break;
                }
            }
            last = i;
        }
        return out;
    }

    /** A coordinate as Redis replies it: human long double, a bulk string in RESP2, a double in RESP3. */
    static void coordinate(RespWriter w, double d) {
        if (w.resp3()) {
            w.doubleText(human(d));
        } else {
            w.bulk(human(d));
        }
    }
}
