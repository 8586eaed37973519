package io.heliosdb.resp.server;

import io.heliosdb.resp.codec.RespWriter;
import java.util.List;
import java.util.Map;

/** Writes command metadata (parsed JSON) with the reply types Redis uses for COMMAND INFO/DOCS. */
final class JsonReply {
    private JsonReply() {}

    @SuppressWarnings("unchecked")
    static void write(RespWriter out, Object v, String key) {
        if (v instanceof Map<?, ?> m) {
            out.map(m.size());
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                out.bulk(e.getKey());
                write(out, e.getValue(), e.getKey());
            }
        } else if (v instanceof List<?> l) {
            boolean statusSet = "flags".equals(key) || "doc_flags".equals(key);
            if (statusSet || "history".equals(key)) {
                out.set(l.size());
            } else {
                out.array(l.size());
            }
            for (Object o : l) {
                if (statusSet) {
                    out.simple((String) o);
                } else {
                    write(out, o, null);
                }
            }
        } else if (v instanceof Long n) {
            out.integer(n);
        } else if (v instanceof String s) {
            out.bulk(s);
        } else if (v == null) {
            out.nullBulk();
        } else {
            out.bulk(String.valueOf(v));
        }
    }
}
