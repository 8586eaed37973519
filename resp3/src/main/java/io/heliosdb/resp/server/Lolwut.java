package io.heliosdb.resp.server;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.engine.ServerContext;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * LOLWUT [VERSION v] [args]: Redis 7.0's computer art. Version 5 is Georg Nees' Schotter in braille
 * characters, version 6 a skyline in terminal grays, any other the version line alone. Both pieces
 * use the same arithmetic as Redis (float then double, truncation then rounding), so what does not
 * depend on random numbers comes out the same byte for byte.
 */
final class Lolwut {
    private Lolwut() {}

    static void run(CommandContext ctx) {
        Args a = ctx.args();
        int first = 1;
        long version = 7;
        if (a.count() >= 3 && a.lower(1).equals("version")) {
            if (!a.isLong(2)) {
                ctx.out().error(Errors.NOT_INTEGER);
                return;
            }
            version = a.parseLong(2) & 0xFFFFFFFFL; // Redis prints it as unsigned int into "<v>.0.0"
            first = 3;
        }
        int wanted = version == 5 ? 3 : version == 6 ? 2 : 0; // the options of that version's piece
        long[] opts = new long[Math.min(wanted, a.count() - first)];
        for (int i = 0; i < opts.length; i++) {
            if (!a.isLong(first + i)) {
                ctx.out().error(Errors.NOT_INTEGER);
                return;
            }
            opts[i] = a.parseLong(first + i);
        }
        if (version == 5 && schotterPixels(opt(opts, 0, 66), opt(opts, 1, 8), opt(opts, 2, 12)) > MAX_PIXELS) {
            ctx.out().error(TOO_LARGE); // Redis would draw it: hundreds of MB for one reply
            return;
        }
        String text;
        if (version == 5) {
            text = schotter(opt(opts, 0, 66), opt(opts, 1, 8), opt(opts, 2, 12));
        } else if (version == 6) {
            text = skyline(opt(opts, 0, 80), opt(opts, 1, 20));
        } else {
            text = "Redis ver. " + ServerContext.REDIS_VERSION + "\n";
        }
        ctx.out().verbatim(text);
    }

    private static long opt(long[] opts, int i, long dflt) {
        return i < opts.length ? opts[i] : dflt;
    }

    private static int clamp(long v, int max) {
        return (int) Math.max(1, Math.min(max, v));
    }

    /** C's rand(): 0..RAND_MAX (2^31-1). */
    private static int rand() {
        return ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE);
    }

    /** Version 5 with one square per row and 200 per column is an 800-megapixel canvas; this bounds it. */
    static final long MAX_PIXELS = 1L << 24;
    static final String TOO_LARGE = "ERR LOLWUT canvas too large (at most " + MAX_PIXELS + " pixels in HeliosDB)";

    // ---- version 5: Schotter ----------------------------------------------------------------

    static long schotterPixels(long colsArg, long perRowArg, long perColArg) {
        int cols = clamp(colsArg, 1000), perRow = clamp(perRowArg, 200), perCol = clamp(perColArg, 200);
        int width = cols * 2;
        int padding = width > 4 ? 2 : 0;
        float side = (float) (width - padding * 2) / perRow;
        return (long) width * (int) (side * perCol + padding * 2);
    }

    static String schotter(long colsArg, long perRowArg, long perColArg) {
        int cols = clamp(colsArg, 1000), perRow = clamp(perRowArg, 200), perCol = clamp(perColArg, 200);
        int width = cols * 2;
        int padding = width > 4 ? 2 : 0;
        float side = (float) (width - padding * 2) / perRow;
        int height = (int) (side * perCol + padding * 2);
        Canvas c = new Canvas(width, height, 0);
        for (int y = 0; y < perCol; y++) {
            for (int x = 0; x < perRow; x++) {
                int sx = (int) (x * side + side / 2 + padding);
                int sy = (int) (y * side + side / 2 + padding);
                float angle = 0;
                if (y > 1) { // rows below the first two are turned and moved at random, more and more
                    float r1 = (float) rand() / (float) Integer.MAX_VALUE / perCol * y;
                    float r2 = (float) rand() / (float) Integer.MAX_VALUE / perCol * y;
                    float r3 = (float) rand() / (float) Integer.MAX_VALUE / perCol * y;
                    if (rand() % 2 != 0) r1 = -r1;
                    if (rand() % 2 != 0) r2 = -r2;
                    if (rand() % 2 != 0) r3 = -r3;
                    angle = r1;
                    sx = (int) (sx + r2 * side / 3);
                    sy = (int) (sy + r3 * side / 3);
                }
                c.square(sx, sy, side, angle);
            }
        }
        return c.braille() + "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. " + ServerContext.REDIS_VERSION + "\n";
    }

    // ---- version 6: skyline -----------------------------------------------------------------

    static String skyline(long colsArg, long rowsArg) {
        Canvas c = new Canvas(clamp(colsArg, 1000), clamp(rowsArg, 1000), 3);
        for (int color = 2; color >= 1; color--) { // background first, lighter gray furthest back
            for (int offset = -10; offset < c.width; ) {
                offset += rand() % 8;
                int width = 10 + rand() % 9;
                int height = c.height / 2 + (color == 2 ? rand() % c.height / 2 : rand() % c.height / 3);
                c.skyscraper(offset, width, height, false, color);
                offset += color == 2 ? width / 2 : width + 1;
            }
        }
        for (int offset = -10; offset < c.width; ) {
            offset += rand() % 8;
            int width = 5 + rand() % 14;
            if (width % 4 != 0) width += width % 3;
            int height = c.height / 3 + rand() % c.height / 2;
            c.skyscraper(offset, width, height, true, 0);
            offset += width + 5;
        }
        return c.grays() + "\nDedicated to the 8 bit game developers of past and present.\n"
                + "Original 8 bit image from Plaguemon by hikikomori. Redis ver. " + ServerContext.REDIS_VERSION + "\n";
    }

    /** A grid of pixels of a few colours; writes outside it are ignored. */
    static final class Canvas {
        final int width;
        final int height;
        private final byte[] pixels;

        Canvas(int width, int height, int background) {
            this.width = width;
            this.height = height;
            this.pixels = new byte[width * height];
            Arrays.fill(pixels, (byte) background);
        }

        void set(int x, int y, int color) {
            if (x >= 0 && x < width && y >= 0 && y < height) {
                pixels[x + y * width] = (byte) color;
            }
        }

        int get(int x, int y) {
            return x >= 0 && x < width && y >= 0 && y < height ? pixels[x + y * width] : 0;
        }

        /** Bresenham. */
        void line(int x1, int y1, int x2, int y2) {
            int dx = Math.abs(x2 - x1), dy = Math.abs(y2 - y1);
            int sx = x1 < x2 ? 1 : -1, sy = y1 < y2 ? 1 : -1;
            int err = dx - dy;
            while (true) {
                set(x1, y1, 1);
                if (x1 == x2 && y1 == y2) {
                    return;
                }
                int e2 = err * 2;
                if (e2 > -dy) {
                    err -= dy;
                    x1 += sx;
                }
                if (e2 < dx) {
                    err += dx;
                    y1 += sy;
                }
            }
        }

        /** A square centred on x,y: its corners are on the circle through them, from 45 degrees plus the angle. */
        void square(int x, int y, float size, float angle) {
            int[] px = new int[4], py = new int[4];
            size = (float) (size / 1.4142135623);
            size = (float) cRound(size);
            float k = (float) (Math.PI / 4 + angle);
            for (int j = 0; j < 4; j++) {
                px[j] = (int) cRound(Math.sin(k) * size + x);
                py[j] = (int) cRound(Math.cos(k) * size + y);
                k = (float) (k + Math.PI / 2);
            }
            for (int j = 0; j < 4; j++) {
                line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4]);
            }
        }

        /** C's round(): halves away from zero. */
        private static double cRound(double v) {
            return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
        }

        void skyscraper(int xoff, int w, int h, boolean windows, int color) {
            int starty = height - 1;
            int endy = starty - h + 1;
            for (int y = starty; y >= endy; y--) {
                for (int x = xoff; x < xoff + w; x++) {
                    if (y == endy && (x <= xoff + 1 || x >= xoff + w - 2)) {
                        continue; // the roof is four pixels narrower
                    }
                    int c = color;
                    if (windows && x > xoff + 1 && x < xoff + w - 2 && y > endy + 1 && y < starty - 1) {
                        int relx = x - (xoff + 1), rely = y - (endy + 1);
                        if ((relx / 2) % 2 != 0 && rely % 2 != 0) { // windows: two pixels wide, one tall
                            do {
                                c = 1 + rand() % 2;
                            } while (c == color);
                            if (relx % 2 != 0) {
                                c = get(x - 1, y); // both pixels of a window share its colour
                            }
                        }
                    }
                    set(x, y, c);
                }
            }
        }

        /** Each braille character shows 2x4 pixels. */
        String braille() {
            StringBuilder b = new StringBuilder();
            for (int y = 0; y < height; y += 4) {
                for (int x = 0; x < width; x += 2) {
                    int bits = bit(x, y, 0) | bit(x, y + 1, 1) | bit(x, y + 2, 2) | bit(x + 1, y, 3)
                            | bit(x + 1, y + 1, 4) | bit(x + 1, y + 2, 5) | bit(x, y + 3, 6) | bit(x + 1, y + 3, 7);
                    b.append((char) (0x2800 + bits));
                }
                if (y != height - 1) {
                    b.append('\n');
                }
            }
            return b.toString();
        }

        private int bit(int x, int y, int n) {
            return get(x, y) != 0 ? 1 << n : 0;
        }

        /** One space per pixel, foreground and background set to the pixel's gray. */
        String grays() {
            StringBuilder b = new StringBuilder();
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    String ce = switch (get(x, y)) {
                        case 1 -> "0;90;100m";
                        case 2 -> "0;37;47m";
                        case 3 -> "0;97;107m";
                        default -> "0;30;40m";
                    };
                    b.append("\033[").append(ce).append(" \033[0m");
                }
                if (y != height - 1) {
                    b.append('\n');
                }
            }
            return b.toString();
        }
    }
}
