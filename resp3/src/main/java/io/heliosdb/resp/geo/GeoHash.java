package io.heliosdb.resp.geo;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Redis' geohash.c and geohash_helper.c: 52-bit interleaved hashes, neighbours, distances, search areas. */
final class GeoHash {
    static final double LAT_MIN = -85.05112878;
    static final double LAT_MAX = 85.05112878;
    static final double LONG_MIN = -180;
    static final double LONG_MAX = 180;
    static final int STEP_MAX = 26;
    static final double EARTH_RADIUS = 6372797.560856;
    static final double MERCATOR_MAX = 20037726.37;

    /** A hash of {@code step} bits per coordinate; bits==0 and step==0 marks an excluded neighbour. */
    record Bits(long bits, int step) {
        boolean zero() {
            return bits == 0 && step == 0;
        }
    }

    record Area(double latMin, double latMax, double lonMin, double lonMax) {}

    private GeoHash() {}

    static long interleave64(long xlo, long ylo) {
        long[] b = {0x5555555555555555L, 0x3333333333333333L, 0x0F0F0F0F0F0F0F0FL, 0x00FF00FF00FF00FFL, 0x0000FFFF0000FFFFL};
        int[] s = {1, 2, 4, 8, 16};
        long x = xlo & 0xFFFFFFFFL;
        long y = ylo & 0xFFFFFFFFL;
        for (int i = 4; i >= 0; i--) {
            x = (x | (x << s[i])) & b[i];
            y = (y | (y << s[i])) & b[i];
        }
        return x | (y << 1);
    }

    static long deinterleave64(long v) {
        long[] b = {0x5555555555555555L, 0x3333333333333333L, 0x0F0F0F0F0F0F0F0FL, 0x00FF00FF00FF00FFL, 0x0000FFFF0000FFFFL,
                0x00000000FFFFFFFFL};
        int[] s = {0, 1, 2, 4, 8, 16};
        long x = v;
        long y = v >>> 1;
        for (int i = 0; i < 6; i++) {
            x = (x | (x >>> s[i])) & b[i];
            y = (y | (y >>> s[i])) & b[i];
        }
        return x | (y << 32);
    }

    /** geohashEncode over the given ranges; null when out of range. */
    static Bits encode(double lonMin, double lonMax, double latMin, double latMax, double lon, double lat, int step) {
        if (lon > 180 || lon < -180 || lat > 85.05112878 || lat < -85.05112878) {
            return null;
        }
        if (lat < latMin || lat > latMax || lon < lonMin || lon > lonMax) {
            return null;
        }
        double latOffset = (lat - latMin) / (latMax - latMin);
        double lonOffset = (lon - lonMin) / (lonMax - lonMin);
        latOffset *= (double) (1L << step);
        lonOffset *= (double) (1L << step);
        return new Bits(interleave64(toUint32(latOffset), toUint32(lonOffset)), step);
    }

    private static long toUint32(double d) {
        return ((long) d) & 0xFFFFFFFFL;
    }

    static Bits encodeWgs84(double lon, double lat, int step) {
        return encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, lon, lat, step);
    }

    static Area decode(Bits h) {
        long sep = deinterleave64(h.bits);
        double latScale = LAT_MAX - LAT_MIN;
        double lonScale = LONG_MAX - LONG_MIN;
        long ilato = sep & 0xFFFFFFFFL;
        long ilono = sep >>> 32;
        double div = (double) (1L << h.step);
        return new Area(LAT_MIN + (ilato * 1.0 / div) * latScale, LAT_MIN + ((ilato + 1) * 1.0 / div) * latScale,
                LONG_MIN + (ilono * 1.0 / div) * lonScale, LONG_MIN + ((ilono + 1) * 1.0 / div) * lonScale);
    }

    /** Longitude and latitude of a stored score (the centre of its cell). */
    static double[] decodeScore(double score) {
        Area a = decode(new Bits((long) score, STEP_MAX));
        double lon = Math.max(LONG_MIN, Math.min(LONG_MAX, (a.lonMin + a.lonMax) / 2));
        double lat = Math.max(LAT_MIN, Math.min(LAT_MAX, (a.latMin + a.latMax) / 2));
        return new double[]{lon, lat};
    }

    private static double degRad(double a) {
        return a * (Math.PI / 180.0);
    }

    private static double radDeg(double a) {
        return a / (Math.PI / 180.0);
    }

    static double distance(double lon1d, double lat1d, double lon2d, double lat2d) {
        double lat1r = degRad(lat1d);
        double lon1r = degRad(lon1d);
        double lat2r = degRad(lat2d);
        double lon2r = degRad(lon2d);
        double u = Math.sin((lat2r - lat1r) / 2);
        double v = Math.sin((lon2r - lon1r) / 2);
        return 2.0 * EARTH_RADIUS * Math.asin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
    }

    static double latDistance(double lat1d, double lat2d) {
        return EARTH_RADIUS * Math.abs(degRad(lat2d) - degRad(lat1d));
    }

    private static Bits moveX(Bits h, int d) {
        if (d == 0) {
            return h;
        }
        long x = h.bits & 0xaaaaaaaaaaaaaaaaL;
        long y = h.bits & 0x5555555555555555L;
        long zz = 0x5555555555555555L >>> (64 - h.step * 2);
        if (d > 0) {
            x = x + (zz + 1);
        } else {
            x = x | zz;
            x = x - (zz + 1);
        }
        x &= (0xaaaaaaaaaaaaaaaaL >>> (64 - h.step * 2));
        return new Bits(x | y, h.step);
    }

    private static Bits moveY(Bits h, int d) {
        if (d == 0) {
            return h;
        }
        long x = h.bits & 0xaaaaaaaaaaaaaaaaL;
        long y = h.bits & 0x5555555555555555L;
        long zz = 0xaaaaaaaaaaaaaaaaL >>> (64 - h.step * 2);
        if (d > 0) {
            y = y + (zz + 1);
        } else {
            y = y | zz;
            y = y - (zz + 1);
        }
        y &= (0x5555555555555555L >>> (64 - h.step * 2));
        return new Bits(x | y, h.step);
    }

    private static Bits move(Bits h, int dx, int dy) {
        return moveY(moveX(h, dx), dy);
    }

    static int estimateSteps(double rangeMeters, double lat) {
        if (rangeMeters == 0) {
            return 26;
        }
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        return Math.max(1, Math.min(26, step));
    }

    /**
     * The nine cells to scan, in Redis' order (centre, N, S, E, W, NE, NW, SE, SW), excluded ones
     * zeroed, for a shape centred at lon/lat whose half-height and half-width are given in metres.
     */
    static Bits[] areas(double lon, double lat, double halfHeight, double halfWidth, double radiusMeters) {
        double latDelta = radDeg(halfHeight / EARTH_RADIUS);
        double lonDeltaTop = radDeg(halfWidth / EARTH_RADIUS / Math.cos(degRad(lat + latDelta)));
        double lonDeltaBottom = radDeg(halfWidth / EARTH_RADIUS / Math.cos(degRad(lat - latDelta)));
        boolean south = lat < 0;
        double minLon = south ? lon - lonDeltaBottom : lon - lonDeltaTop;
        double maxLon = south ? lon + lonDeltaBottom : lon + lonDeltaTop;
        double minLat = lat - latDelta;
        double maxLat = lat + latDelta;
        int steps = estimateSteps(radiusMeters, lat);
        Bits hash = encodeWgs84(lon, lat, steps);
        Bits[] n = neighbours(hash);
        Area area = decode(hash);
        boolean decrease = decode(n[1]).latMax < maxLat || decode(n[2]).latMin > minLat
                || decode(n[3]).lonMax < maxLon || decode(n[4]).lonMin > minLon;
        if (steps > 1 && decrease) {
            steps--;
            hash = encodeWgs84(lon, lat, steps);
            n = neighbours(hash);
            area = decode(hash);
        }
        Bits zero = new Bits(0, 0);
        if (steps >= 2) {
            if (area.latMin < minLat) {
                n[2] = zero; // south
                n[8] = zero; // south west
                n[7] = zero; // south east
            }
            if (area.latMax > maxLat) {
                n[1] = zero;
                n[5] = zero;
                n[6] = zero;
            }
            if (area.lonMin < minLon) {
                n[4] = zero;
                n[8] = zero;
                n[6] = zero;
            }
            if (area.lonMax > maxLon) {
                n[3] = zero;
                n[7] = zero;
                n[5] = zero;
            }
        }
        return n;
    }

    /** {centre, north, south, east, west, north-east, north-west, south-east, south-west}. */
    private static Bits[] neighbours(Bits h) {
        return new Bits[]{h, move(h, 0, 1), move(h, 0, -1), move(h, 1, 0), move(h, -1, 0), move(h, 1, 1), move(h, -1, 1),
                move(h, 1, -1), move(h, -1, -1)};
    }

    /** The score range [min, max) of a cell. */
    static long[] scoreRange(Bits h) {
        long min = h.bits << (52 - h.step * 2);
        long max = (h.bits + 1) << (52 - h.step * 2);
        return new long[]{min, max};
    }

    private static final String ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

    /** GEOHASH's 11-character standard geohash of a stored score. */
    static String standardHash(double score) {
        double[] xy = decodeScore(score);
        Bits h = encode(-180, 180, -90, 90, xy[0], xy[1], 26);
        StringBuilder b = new StringBuilder(11);
        for (int i = 0; i < 11; i++) {
            int idx = i == 10 ? 0 : (int) ((h.bits >>> (52 - ((i + 1) * 5))) & 0x1f);
            b.append(ALPHABET.charAt(idx));
        }
        return b.toString();
    }

    /** C's printf("%f") of {@code d}: the exact binary value rounded to 6 places, inf and nan as C spells them. */
    static String printfF(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(d).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        return d < 0 || (d == 0 && 1 / d < 0) ? (s.startsWith("-") ? s : "-" + s) : s;
    }
}
