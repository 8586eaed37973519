package io.heliosdb.resp.scripting;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/** lua-cmsgpack as Redis ships it: pack(...) and unpack(s) (also unpack_one / unpack_limit). */
final class CMsgpackLib {
    private CMsgpackLib() {}

    static LuaTable table() {
        LuaTable t = new LuaTable();
        t.rawset("pack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                if (a.narg() == 0) {
                    throw LuaArgs.argError(0, "pack", "MessagePack pack needs input.");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 1; i <= a.narg(); i++) {
                    pack(out, a.arg(i), 0);
                }
                return LuaValue.valueOf(out.toByteArray());
            }
        });
        t.rawset("_NAME", "cmsgpack");
        t.rawset("_VERSION", "lua-cmsgpack 0.4.0");
        t.rawset("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo");
        t.rawset("_DESCRIPTION", "MessagePack C implementation for Lua");
        t.rawset("unpack", CJsonLib.fn(a -> unpack(a, "unpack", 0, 0)));
        t.rawset("unpack_one", CJsonLib.fn(a -> unpack(a, "unpack_one", 1, (int) LuaArgs.optInteger(a, 2, "unpack_one", 0))));
        t.rawset("unpack_limit", CJsonLib.fn(a -> unpack(a, "unpack_limit", (int) LuaArgs.checkInteger(a, 2, "unpack_limit"),
                (int) LuaArgs.optInteger(a, 3, "unpack_limit", 0))));
        return t;
    }

    /** mp_unpack_full: limit and offset 0 decode everything; otherwise the next offset (-1 at the end) comes first. */
    private static Varargs unpack(Varargs a, String fn, int limit, int offset) {
        LuaString s = LuaArgs.checkString(a, 1, fn);
        byte[] b = new byte[s.m_length];
        s.copyInto(0, b, 0, b.length);
        boolean all = limit == 0 && offset == 0;
        if (offset < 0 || limit < 0) {
            // sic: Redis prints the input's length as the limit
            throw new LuaError("Invalid request to unpack with offset of " + offset + " and limit of " + b.length + ".");
        } else if (offset > b.length) {
            throw new LuaError("Start offset " + offset + " greater than input length " + b.length + ".");
        }
        ByteBuffer in = ByteBuffer.wrap(b);
        in.position(offset);
        List<LuaValue> values = new ArrayList<>();
        while (in.hasRemaining() && (all || values.size() < limit)) {
            values.add(read(in));
        }
        if (!all) {
            values.add(0, LuaValue.valueOf(in.hasRemaining() ? in.position() : -1));
        }
        return LuaValue.varargsOf(values.toArray(LuaValue[]::new));
    }

    private static void pack(ByteArrayOutputStream out, LuaValue v, int depth) {
        switch (v.type()) {
            case LuaValue.TNIL -> out.write(0xc0);
            case LuaValue.TBOOLEAN -> out.write(v.toboolean() ? 0xc3 : 0xc2);
            case LuaValue.TNUMBER -> {
                double d = v.todouble();
                if (!Double.isInfinite(d) && LuaArgs.cast(d) == d) { // IS_INT64_EQUIVALENT
                    packInt(out, (long) d);
                } else if ((float) d == d) {
                    out.write(0xca);
                    writeBytes(out, ByteBuffer.allocate(4).putFloat((float) d).array());
                } else {
                    out.write(0xcb);
                    writeBytes(out, ByteBuffer.allocate(8).putDouble(d).array());
                }
            }
            case LuaValue.TSTRING -> {
                LuaString s = v.checkstring();
                int n = s.m_length;
                if (n < 32) {
                    out.write(0xa0 | n);
                } else if (n < 256) {
                    out.write(0xd9);
                    out.write(n);
                } else if (n < 65536) {
                    out.write(0xda);
                    writeBytes(out, ByteBuffer.allocate(2).putShort((short) n).array());
                } else {
                    out.write(0xdb);
                    writeBytes(out, ByteBuffer.allocate(4).putInt(n).array());
                }
                out.write(s.m_bytes, s.m_offset, n);
            }
            case LuaValue.TTABLE -> {
                if (depth >= 16) { // lua-cmsgpack's LUACMSGPACK_MAX_NESTING: deeper tables pack as nil
                    out.write(0xc0);
                    return;
                }
                LuaTable t = (LuaTable) v;
                int n = arrayLength(t);
                if (n >= 0) {
                    header(out, n, 0x90, 0xdc, 0xdd);
                    for (int i = 1; i <= n; i++) {
                        pack(out, t.rawget(i), depth + 1);
                    }
                } else {
                    int count = 0;
                    for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                        count++;
                    }
                    header(out, count, 0x80, 0xde, 0xdf);
                    for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                        pack(out, e.arg1(), depth + 1);
                        pack(out, e.arg(2), depth + 1);
                    }
                }
            }
            default -> out.write(0xc0);
        }
    }

    /** n when the keys are exactly 1..n (an empty table is an array, as lua-cmsgpack packs it), else -1. */
    private static int arrayLength(LuaTable t) {
        int count = 0;
        int max = 0;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue k = e.arg1();
            if (k.type() != LuaValue.TNUMBER || k.todouble() != Math.floor(k.todouble()) || k.todouble() < 1) {
                return -1;
            }
            count++;
            max = Math.max(max, (int) k.todouble());
        }
        return max == count ? count : -1;
    }

    private static void header(ByteArrayOutputStream out, int n, int fix, int c16, int c32) {
        if (n < 16) {
            out.write(fix | n);
        } else if (n < 65536) {
            out.write(c16);
            writeBytes(out, ByteBuffer.allocate(2).putShort((short) n).array());
        } else {
            out.write(c32);
            writeBytes(out, ByteBuffer.allocate(4).putInt(n).array());
        }
    }

    private static void packInt(ByteArrayOutputStream out, long v) {
        if (v >= 0) {
            if (v < 128) {
                out.write((int) v);
            } else if (v < 256) {
                out.write(0xcc);
                out.write((int) v);
            } else if (v < 65536) {
                out.write(0xcd);
                writeBytes(out, ByteBuffer.allocate(2).putShort((short) v).array());
            } else if (v < 4294967296L) {
                out.write(0xce);
                writeBytes(out, ByteBuffer.allocate(4).putInt((int) v).array());
            } else {
                out.write(0xcf);
                writeBytes(out, ByteBuffer.allocate(8).putLong(v).array());
            }
        } else if (v >= -32) {
            out.write((int) (v & 0xff));
        } else if (v >= -128) {
            out.write(0xd0);
            out.write((int) (v & 0xff));
        } else if (v >= -32768) {
            out.write(0xd1);
            writeBytes(out, ByteBuffer.allocate(2).putShort((short) v).array());
        } else if (v >= Integer.MIN_VALUE) {
            out.write(0xd2);
            writeBytes(out, ByteBuffer.allocate(4).putInt((int) v).array());
        } else {
            out.write(0xd3);
            writeBytes(out, ByteBuffer.allocate(8).putLong(v).array());
        }
    }

    private static void writeBytes(ByteArrayOutputStream out, byte[] b) {
        out.write(b, 0, b.length);
    }

    private static LuaValue read(ByteBuffer in) {
        try {
            int t = in.get() & 0xff;
            if (t < 0x80) {
                return LuaValue.valueOf(t);
            }
            if (t >= 0xe0) {
                return LuaValue.valueOf((byte) t);
            }
            if ((t & 0xe0) == 0xa0) {
                return str(in, t & 0x1f);
            }
            if ((t & 0xf0) == 0x90) {
                return array(in, t & 0x0f);
            }
            if ((t & 0xf0) == 0x80) {
                return map(in, t & 0x0f);
            }
            return switch (t) {
                case 0xc0 -> LuaValue.NIL;
                case 0xc2 -> LuaValue.FALSE;
                case 0xc3 -> LuaValue.TRUE;
                case 0xd9 -> str(in, in.get() & 0xff); // (lua-cmsgpack 0.4.0 reads no bin 8/16/32)
                case 0xda -> str(in, in.getShort() & 0xffff);
                case 0xdb -> str(in, in.getInt());
                case 0xca -> LuaValue.valueOf(in.getFloat());
                case 0xcb -> LuaValue.valueOf(in.getDouble());
                case 0xcc -> LuaValue.valueOf(in.get() & 0xff);
                case 0xcd -> LuaValue.valueOf(in.getShort() & 0xffff);
                case 0xce -> LuaReplies.number(in.getInt() & 0xffffffffL);
                case 0xcf -> LuaReplies.number(in.getLong()); // lua-cmsgpack on Lua 5.1 reads uint 64 as signed
                case 0xd0 -> LuaValue.valueOf(in.get());
                case 0xd1 -> LuaValue.valueOf(in.getShort());
                case 0xd2 -> LuaValue.valueOf(in.getInt());
                case 0xd3 -> LuaReplies.number(in.getLong());
                case 0xdc -> array(in, in.getShort() & 0xffff);
                case 0xdd -> array(in, in.getInt());
                case 0xde -> map(in, in.getShort() & 0xffff);
                case 0xdf -> map(in, in.getInt());
                default -> throw new LuaError("Bad data format in input.");
            };
        } catch (BufferUnderflowException e) {
            throw new LuaError("Missing bytes in input.");
        }
    }

    private static LuaValue str(ByteBuffer in, int n) {
        if (n < 0 || n > in.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] b = new byte[n];
        in.get(b);
        return LuaValue.valueOf(b);
    }

    private static LuaValue array(ByteBuffer in, int n) {
        LuaTable t = new LuaTable();
        for (int i = 1; i <= n; i++) {
            t.rawset(i, read(in));
        }
        return t;
    }

    private static LuaValue map(ByteBuffer in, int n) {
        LuaTable t = new LuaTable();
        for (int i = 0; i < n; i++) {
            LuaValue k = read(in);
            LuaValue v = read(in);
            if (!k.isnil()) {
                t.rawset(k, v);
            }
        }
        return t;
    }
}
