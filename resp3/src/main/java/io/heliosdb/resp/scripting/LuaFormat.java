package io.heliosdb.resp.scripting;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Lua 5.1's string.format (lstrlib.c's str_format over C's sprintf, as glibc prints): flags
 * {@code - + space # 0}, width and precision of at most two digits, conversions
 * {@code c d i o u x X e E f g G q s}, exact decimal rounding of doubles. luaj's own format ignores
 * widths and precisions in places, which scripts rely on.
 */
final class LuaFormat {
    private LuaFormat() {}

    static LuaValue format(Varargs a) {
        LuaString f = LuaArgs.checkString(a, 1, "format");
        byte[] fmt = new byte[f.m_length];
        f.copyInto(0, fmt, 0, fmt.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int arg = 1;
        int i = 0;
        while (i < fmt.length) {
            int c = fmt[i++] & 0xFF;
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (i < fmt.length && fmt[i] == '%') {
                out.write('%');
                i++;
                continue;
            }
            if (++arg > a.narg()) {
                throw LuaArgs.argError(arg, "format", "no value");
            }
            Spec s = new Spec();
            int start = i;
            while (i < fmt.length && "-+ #0".indexOf(fmt[i]) >= 0) {
                s.flag(fmt[i++]);
            }
            if (i - start >= 6) {
                throw new LuaError("invalid format (repeated flags)");
            }
            int w = count(fmt, i);
            s.width = w == 0 ? -1 : value(fmt, i, w);
            i += w;
            if (i < fmt.length && fmt[i] == '.') {
                i++;
                int p = count(fmt, i);
                s.precision = p == 0 ? 0 : value(fmt, i, p);
                i += p;
            }
            if (i < fmt.length && Character.isDigit(fmt[i])) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            int conv = i < fmt.length ? fmt[i++] & 0xFF : 0;
            switch (conv) {
                case 'c' -> {
                    byte[] item = s.pad(new byte[]{(byte) LuaArgs.cast(number(a, arg))}, false);
                    int n = 0;
                    while (n < item.length && item[n] != 0) {
                        n++; // sprintf's NUL ends what Lua appends (strlen)
                    }
                    out.write(item, 0, n);
                }
                case 'd', 'i' -> out.writeBytes(s.integer(LuaArgs.cast(number(a, arg)), 10, false, true));
                case 'o' -> out.writeBytes(s.integer(unsigned(number(a, arg)), 8, false, false));
                case 'u' -> out.writeBytes(s.integer(unsigned(number(a, arg)), 10, false, false));
                case 'x' -> out.writeBytes(s.integer(unsigned(number(a, arg)), 16, false, false));
                case 'X' -> out.writeBytes(s.integer(unsigned(number(a, arg)), 16, true, false));
                case 'e', 'E', 'f', 'g', 'G' -> out.writeBytes(s.floating(number(a, arg), (char) conv));
                case 'q' -> quoted(out, LuaArgs.checkString(a, arg, "format"));
                case 's' -> {
                    LuaString str = LuaArgs.checkString(a, arg, "format");
                    if (s.precision < 0 && str.m_length >= 100) {
                        out.write(str.m_bytes, str.m_offset, str.m_length); // kept whole, as Lua does
                    } else {
                        int n = 0;
                        while (n < str.m_length && str.m_bytes[str.m_offset + n] != 0) {
                            n++; // %s stops at a NUL
                        }
                        if (s.precision >= 0) {
                            n = Math.min(n, s.precision);
                        }
                        byte[] b = new byte[n];
                        System.arraycopy(str.m_bytes, str.m_offset, b, 0, n);
                        out.writeBytes(s.pad(b, false));
                    }
                }
                default -> throw new LuaError("invalid option '%" + (char) conv + "' to 'format'");
            }
        }
        return LuaValue.valueOf(out.toByteArray());
    }

    /** How many digits (at most two, as scanformat reads) start at {@code i}. */
    private static int count(byte[] f, int i) {
        int n = 0;
        while (n < 2 && i + n < f.length && Character.isDigit(f[i + n])) {
            n++;
        }
        return n;
    }

    private static int value(byte[] f, int i, int n) {
        int v = 0;
        for (int k = 0; k < n; k++) {
            v = v * 10 + f[i + k] - '0';
        }
        return v;
    }

    private static double number(Varargs a, int i) {
        return LuaArgs.checkNumber(a, i, "format");
    }

    /** C's cast of a double to unsigned long long (negative values wrap). */
    private static long unsigned(double d) {
        return d < 0 ? LuaArgs.cast(d) : LuaArgs.castUnsigned(d);
    }

    private static void quoted(ByteArrayOutputStream out, LuaString s) {
        out.write('"');
        for (int k = 0; k < s.m_length; k++) {
            int c = s.m_bytes[s.m_offset + k] & 0xFF;
            switch (c) {
                case '"', '\\', '\n' -> {
                    out.write('\\');
                    out.write(c);
                }
                case '\r' -> out.writeBytes(new byte[]{'\\', 'r'});
                case 0 -> out.writeBytes(new byte[]{'\\', '0', '0', '0'});
                default -> out.write(c);
            }
        }
        out.write('"');
    }

    /** One conversion's flags, width and precision. */
    private static final class Spec {
        boolean left;
        boolean plus;
        boolean space;
        boolean alt;
        boolean zero;
        int width = -1;
        int precision = -1;

        void flag(byte f) {
            switch (f) {
                case '-' -> left = true;
                case '+' -> plus = true;
                case ' ' -> space = true;
                case '#' -> alt = true;
                default -> zero = true;
            }
        }

        /** Pads to the width; {@code zeros} puts zeros after a sign or 0x prefix (of {@code prefixLen} bytes). */
        byte[] pad(byte[] body, boolean zeros) {
            return pad(body, zeros, 0);
        }

        byte[] pad(byte[] body, boolean zeros, int prefixLen) {
            if (width <= body.length) {
                return body;
            }
            byte[] r = new byte[width];
            int fill = width - body.length;
            if (left) {
                System.arraycopy(body, 0, r, 0, body.length);
                Arrays.fill(r, body.length, width, (byte) ' ');
            } else if (zeros) {
                System.arraycopy(body, 0, r, 0, prefixLen);
                Arrays.fill(r, prefixLen, prefixLen + fill, (byte) '0');
                System.arraycopy(body, prefixLen, r, prefixLen + fill, body.length - prefixLen);
            } else {
                Arrays.fill(r, 0, fill, (byte) ' ');
                System.arraycopy(body, 0, r, fill, body.length);
            }
            return r;
        }

        byte[] integer(long v, int radix, boolean upper, boolean signed) {
            boolean negative = signed && v < 0;
            String digits = switch (radix) {
                case 8 -> Long.toOctalString(v);
                case 16 -> Long.toHexString(v);
                default -> signed ? Long.toString(v).replace("-", "") : Long.toUnsignedString(v);
            };
            if (negative && v == Long.MIN_VALUE) {
                digits = "9223372036854775808";
            }
            if (precision == 0 && v == 0) {
                digits = "";
            } else if (precision > digits.length()) {
                digits = "0".repeat(precision - digits.length()) + digits;
            }
            String prefix = negative ? "-" : signed && plus ? "+" : signed && space ? " " : "";
            if (alt && radix == 8 && !digits.startsWith("0")) {
                digits = "0" + digits;
            } else if (alt && radix == 16 && v != 0) {
                prefix = upper ? "0X" : "0x";
            }
            String body = prefix + (upper ? digits.toUpperCase(Locale.ROOT) : digits);
            return pad(ascii(body), zero && !left && precision < 0, prefix.length());
        }

        byte[] floating(double d, char conv) {
            boolean upper = Character.isUpperCase(conv);
            boolean negative = d < 0 || (d == 0 && 1 / d < 0) || (Double.isNaN(d) && Double.doubleToRawLongBits(d) < 0);
            String sign = negative ? "-" : plus ? "+" : space ? " " : "";
            String body;
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                body = Double.isNaN(d) ? "nan" : "inf";
                body = sign + (upper ? body.toUpperCase(Locale.ROOT) : body);
                return pad(ascii(body), false);
            }
            BigDecimal v = new BigDecimal(d).abs();
            int p = precision < 0 ? 6 : precision;
            body = switch (Character.toLowerCase(conv)) {
                case 'f' -> fixed(v, p);
                case 'e' -> exponent(v, p);
                default -> general(v, p);
            };
            if (upper) {
                body = body.toUpperCase(Locale.ROOT);
            }
            return pad(ascii(sign + body), zero && !left, sign.length());
        }

        private String fixed(BigDecimal v, int p) {
            String s = v.setScale(p, RoundingMode.HALF_EVEN).toPlainString();
            return alt && p == 0 ? s + "." : s;
        }

        private String exponent(BigDecimal v, int p) {
            int exp = 0;
            String digits;
            if (v.signum() == 0) {
                digits = "0".repeat(p + 1);
            } else {
                BigDecimal r = v.round(new MathContext(p + 1, RoundingMode.HALF_EVEN));
                exp = r.precision() - r.scale() - 1;
                digits = r.unscaledValue().toString();
                digits = digits.length() > p + 1 ? digits.substring(0, p + 1) : digits + "0".repeat(p + 1 - digits.length());
            }
            String m = digits.substring(0, 1) + (p > 0 || alt ? "." : "") + digits.substring(1);
            return m + expSuffix(exp);
        }

        private String general(BigDecimal v, int p) {
            int sig = p == 0 ? 1 : p;
            int exp = 0;
            if (v.signum() != 0) {
                BigDecimal r = v.round(new MathContext(sig, RoundingMode.HALF_EVEN));
                exp = r.precision() - r.scale() - 1;
            }
            String s = exp < -4 || exp >= sig ? exponent(v, sig - 1) : fixed(v, sig - 1 - exp);
            if (alt) {
                return s;
            }
            int e = s.indexOf('e');
            String mant = e < 0 ? s : s.substring(0, e);
            String tail = e < 0 ? "" : s.substring(e);
            if (mant.contains(".")) {
                mant = mant.replaceAll("0+$", "");
                if (mant.endsWith(".")) {
                    mant = mant.substring(0, mant.length() - 1);
                }
            }
            return mant + tail;
        }

        private static String expSuffix(int exp) {
            int a = Math.abs(exp);
            return (exp < 0 ? "e-" : "e+") + (a < 10 ? "0" : "") + a;
        }
    }

    /** C's printf("%g"): how Redis' Lua debugger shows a number. */
    static String g(double d) {
        return new String(new Spec().floating(d, 'g'), StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
