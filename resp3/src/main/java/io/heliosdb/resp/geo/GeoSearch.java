package io.heliosdb.resp.geo;

import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.keyspace.ops.ZSetAlgebra;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.KeyGather;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.zsets.ZSetCommands;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** GEOSEARCH, GEOSEARCHSTORE, GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO]: Redis' georadiusGeneric. */
final class GeoSearch extends KeyGather {
    enum Form { SEARCH, SEARCHSTORE, RADIUS, RADIUS_RO, BYMEMBER, BYMEMBER_RO }

    private final Form form;

    GeoSearch(Form form) {
        this.form = form;
    }

    private int sourceArg() {
        return form == Form.SEARCHSTORE ? 2 : 1;
    }

    @Override
    protected int[] sources(Args a) {
        return new int[]{sourceArg()};
    }

    /** The STORE/STOREDIST key of GEORADIUS (last one wins), the destination of GEOSEARCHSTORE, else -1. */
    @Override
    protected int destination(Args a) {
        if (form == Form.SEARCHSTORE) {
            return 1;
        }
        if (form != Form.RADIUS && form != Form.BYMEMBER) {
            return -1;
        }
        int base = form == Form.RADIUS ? 6 : 5;
        int d = -1;
        for (int i = base; i + 1 < a.count(); i++) {
            String o = a.lower(i);
            if (o.equals("store") || o.equals("storedist")) {
                d = ++i;
            } else if (o.equals("count")) {
                i++;
            }
        }
        return d;
    }

    @Override
    protected boolean accepts(byte type) {
        return type == ValueType.ZSET;
    }

    private static String lonLatError(Args a, int i, double[] xy) {
        double lon = TypedKeys.parseDouble(a, i);
        double lat = TypedKeys.parseDouble(a, i + 1);
        if (Double.isNaN(lon) || Double.isNaN(lat)) {
            return Errors.NOT_FLOAT;
        }
        if (lon < -180 || lon > 180 || lat < GeoHash.LAT_MIN || lat > GeoHash.LAT_MAX) {
            return "ERR invalid longitude,latitude pair " + GeoHash.printfF(lon) + "," + GeoHash.printfF(lat);
        }
        xy[0] = lon;
        xy[1] = lat;
        return null;
    }

    /** distance unit -> {metres, conversion} or an error. */
    private static Object distanceArg(Args a, int i) {
        double d = TypedKeys.parseDouble(a, i);
        if (Double.isNaN(d)) {
            return "ERR need numeric radius"; // Redis' extractDistanceOrReply
        }
        if (d < 0) {
            return "ERR radius cannot be negative";
        }
        double conv = GeoCommands.unit(a.string(i + 1));
        if (conv < 0) {
            return GeoCommands.BAD_UNIT;
        }
        return new double[]{d, conv};
    }

    private static boolean memberPosition(ZSetValue z, byte[] member, double[] xy) {
        Double s = z.score(new ByteKey(member));
        if (s == null) {
            return false;
        }
        double[] p = GeoHash.decodeScore(s);
        xy[0] = p[0];
        xy[1] = p[1];
        return true;
    }

    @Override
    protected Outcome compute(ServerContext server, Args a, Object[] values) {
        if (values[0] == WRONG_TYPE) {
            return Outcome.error(Errors.WRONGTYPE);
        }
        ZSetValue z = (ZSetValue) values[0];
        boolean search = form == Form.SEARCH || form == Form.SEARCHSTORE;
        double[] xy = new double[2];
        boolean box = false;
        double radius = 0, width = 0, height = 0, conv = 1;
        int base;
        if (form == Form.RADIUS || form == Form.RADIUS_RO) {
            base = 6;
            String err = lonLatError(a, 2, xy);
            if (err != null) {
                return Outcome.error(err);
            }
            Object d = distanceArg(a, 4);
            if (d instanceof String e) {
                return Outcome.error(e);
            }
            radius = ((double[]) d)[0];
            conv = ((double[]) d)[1];
        } else if (form == Form.BYMEMBER || form == Form.BYMEMBER_RO) {
            base = 5;
            if (z != null) {
                if (!memberPosition(z, a.bytes(2), xy)) {
                    return Outcome.error("ERR could not decode requested zset member");
                }
                Object d = distanceArg(a, 3);
                if (d instanceof String e) {
                    return Outcome.error(e);
                }
                radius = ((double[]) d)[0];
                conv = ((double[]) d)[1];
            }
        } else {
            base = form == Form.SEARCHSTORE ? 3 : 2;
        }
        boolean withDist = false, withHash = false, withCoord = false, any = false, storeDist = false;
        int sort = 0; // 1 asc, -1 desc
        long count = 0;
        boolean store = form == Form.SEARCHSTORE;
        boolean fromMember = false, fromLoc = false, byRadius = false, byBox = false;
        for (int i = base; i < a.count(); i++) {
            String o = a.lower(i);
            int remaining = a.count() - i - 1;
            if (o.equals("withdist")) {
                withDist = true;
            } else if (o.equals("withhash")) {
                withHash = true;
            } else if (o.equals("withcoord")) {
                withCoord = true;
            } else if (o.equals("any")) {
                any = true;
            } else if (o.equals("asc")) {
                sort = 1;
            } else if (o.equals("desc")) {
                sort = -1;
            } else if (o.equals("count") && remaining > 0) {
                if (!a.isLong(i + 1)) {
                    return Outcome.error(Errors.NOT_INTEGER);
                }
                count = a.parseLong(++i);
                if (count <= 0) {
                    return Outcome.error("ERR COUNT must be > 0");
                }
            } else if ((o.equals("store") || o.equals("storedist")) && remaining > 0 && (form == Form.RADIUS || form == Form.BYMEMBER)) {
                store = true;
                storeDist = o.equals("storedist");
                i++;
            } else if (o.equals("storedist") && form == Form.SEARCHSTORE) {
                storeDist = true;
            } else if (o.equals("frommember") && remaining > 0 && search && !fromLoc) { // Redis lets FROMMEMBER, BYRADIUS... repeat
                fromMember = true;
                i++;
                if (z != null && !memberPosition(z, a.bytes(i), xy)) {
                    return Outcome.error("ERR could not decode requested zset member");
                }
            } else if (o.equals("fromlonlat") && remaining > 1 && search && !fromMember) {
                String err = lonLatError(a, i + 1, xy);
                if (err != null) {
                    return Outcome.error(err);
                }
                fromLoc = true;
                i += 2;
            } else if (o.equals("byradius") && remaining > 1 && search && !byBox) {
                Object d = distanceArg(a, i + 1);
                if (d instanceof String e) {
                    return Outcome.error(e);
                }
                radius = ((double[]) d)[0];
                conv = ((double[]) d)[1];
                byRadius = true;
                i += 2;
            } else if (o.equals("bybox") && remaining > 2 && search && !byRadius) {
                double w = TypedKeys.parseDouble(a, i + 1);
                double h = TypedKeys.parseDouble(a, i + 2);
                if (Double.isNaN(w) || Double.isNaN(h)) { // Redis' extractBoxOrReply
                    return Outcome.error(Double.isNaN(w) ? "ERR need numeric width" : "ERR need numeric height");
                }
                if (w < 0 || h < 0) {
                    return Outcome.error("ERR height or width cannot be negative");
                }
                conv = GeoCommands.unit(a.string(i + 3));
                if (conv < 0) {
                    return Outcome.error(GeoCommands.BAD_UNIT);
                }
                width = w;
                height = h;
                box = true;
                byBox = true;
                i += 3;
            } else {
                return Outcome.error(Errors.SYNTAX);
            }
        }
        String name = a.lower(0);
        if (store && (withDist || withHash || withCoord)) {
            return Outcome.error("ERR " + (form == Form.SEARCHSTORE ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
        }
        if (search && !(fromMember || fromLoc)) {
            return Outcome.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + name);
        }
        if (search && !(byRadius || byBox)) {
            return Outcome.error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + name);
        }
        if (any && count == 0) {
            return Outcome.error("ERR the ANY argument requires COUNT argument");
        }
        if (z == null) {
            if (store) {
                return new Outcome(w -> w.integer(0), true, ValueType.ZSET, null);
            }
            return Outcome.reply(w -> w.array(0));
        }
        if (count != 0 && sort == 0 && !any) {
            sort = 1;
        }
        List<GeoCommands.Found> found = GeoCommands.search(z, xy[0], xy[1], box, radius * conv, width * conv, height * conv,
                any ? count : 0);
        if (sort != 0) {
            Comparator<GeoCommands.Found> c = Comparator.comparingDouble(GeoCommands.Found::dist);
            found.sort(sort > 0 ? c : c.reversed());
        }
        int n = (int) (count == 0 || found.size() < count ? found.size() : count);
        List<GeoCommands.Found> items = new ArrayList<>(found.subList(0, n));
        double unit = conv;
        if (store) {
            ZSetValue result = new ZSetValue();
            for (GeoCommands.Found f : items) {
                result.put(f.member(), storeDist ? f.dist() / unit : f.score());
            }
            ZSetAlgebra.compactFor(result, ZSetCommands.limits(server));
            return new Outcome(w -> w.integer(n), true, ValueType.ZSET, result);
        }
        boolean wd = withDist, wh = withHash, wc = withCoord;
        int options = (wd ? 1 : 0) + (wh ? 1 : 0) + (wc ? 1 : 0);
        return Outcome.reply(w -> {
            w.array(items.size());
            for (GeoCommands.Found f : items) {
                if (options > 0) {
                    w.array(options + 1);
                }
                w.bulk(f.member().bytes);
                if (wd) {
                    w.bulk(GeoCommands.distance(f.dist() / unit));
                }
                if (wh) {
                    w.integer((long) f.score());
                }
                if (wc) {
                    w.array(2);
                    GeoCommands.coordinate(w, f.lon());
                    GeoCommands.coordinate(w, f.lat());
                }
            }
        });
    }
}
