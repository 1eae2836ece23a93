package io.schemashift.cli;

import io.schemashift.control.RolloutState;
import io.schemashift.rewriter.KeyCodec;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the {@code --json} output: maps (in their iteration order), lists, strings, numbers,
 * booleans, instants (ISO-8601 UTC strings) and {@code null}.
 */
public final class Json {

    private Json() {}

    /** {@code value} as one line of JSON. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    /**
     * A rollout's fields in the order {@code status --json} prints them: migration, phase,
     * readNewPercent, shadowPercent, tablePhases ({@code {}} when none), version, updatedAt,
     * updatedBy.
     */
    static Map<String, Object> rollout(RolloutState r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("migration", r.migration());
        doc.put("phase", r.phase().configName());
        doc.put("readNewPercent", r.readNewPercent());
        doc.put("shadowPercent", r.shadowPercent());
        Map<String, Object> tables = new LinkedHashMap<>();
        r.tablePhases().forEach((t, p) -> tables.put(t, p.configName()));
        doc.put("tablePhases", tables);
        doc.put("version", r.version());
        doc.put("updatedAt", r.updatedAt());
        doc.put("updatedBy", r.updatedBy());
        return doc;
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                append(out, e.getValue());
                if (it.hasNext()) {
                    out.append(',');
                }
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                append(out, list.get(i));
            }
            out.append(']');
        } else if (value instanceof Instant instant) {
            string(out, instant.toString());
        } else {
            string(out, value.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        KeyCodec.quote(s, out); // the one JSON string escaper, shared with keys and the coverage file
    }
}
