package io.schemashift.coverage;

import io.schemashift.config.Phase;
import io.schemashift.rewriter.KeyCodec;
import io.schemashift.rewriter.StatementKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The {@code coverage.file} format: {@code {"migration": …, "statements": [{…}, …]}}, one object
 * per shape with the fields of {@link CoverageEntry}. Written by the driver, read by {@code
 * schemashift coverage --file}.
 */
public final class CoverageJson {

    private CoverageJson() {}

    static String write(String migration, List<CoverageEntry> entries) {
        StringBuilder out = new StringBuilder(256 + entries.size() * 512);
        out.append("{\"migration\":").append(quote(migration)).append(",\"statements\":[");
        for (int i = 0; i < entries.size(); i++) {
            CoverageEntry e = entries.get(i);
            out.append(i == 0 ? "\n" : ",\n");
            out.append("{\"fingerprint\":").append(quote(e.fingerprint()));
            out.append(",\"tables\":").append(quote(e.tables()));
            out.append(",\"kind\":").append(quote(e.kind().name()));
            out.append(",\"verdicts\":{");
            for (Phase p : Phase.values()) {
                out.append(p.ordinal() == 0 ? "" : ",")
                        .append(quote(p.configName()))
                        .append(':')
                        .append(quote(e.verdict(p).text()));
            }
            out.append("},\"reason\":").append(e.reason() == null ? "null" : quote(e.reason()));
            out.append(",\"example\":").append(quote(e.example()));
            out.append(",\"counts\":{");
            for (Phase p : Phase.values()) {
                out.append(p.ordinal() == 0 ? "" : ",")
                        .append(quote(p.configName()))
                        .append(':')
                        .append(e.counts().get(p));
            }
            out.append("},\"firstSeen\":").append(quote(e.firstSeen().toString()));
            out.append(",\"lastSeen\":").append(quote(e.lastSeen().toString())).append('}');
        }
        return out.append("\n]}\n").toString();
    }

    /**
     * The entries of a file written by {@link #write}.
     *
     * @throws IllegalArgumentException if {@code json} is not such a file
     */
    @SuppressWarnings("unchecked")
    public static List<CoverageEntry> read(String json) {
        try {
            Map<String, Object> doc =
                    (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(json);
            List<CoverageEntry> entries = new ArrayList<>();
            for (Object o : (List<Object>) doc.get("statements")) {
                Map<String, Object> m = (Map<String, Object>) o;
                Map<String, Object> verdicts = (Map<String, Object>) m.get("verdicts");
                Map<String, Object> counts = (Map<String, Object>) m.get("counts");
                List<Verdict> v = new ArrayList<>();
                long[] n = new long[Phase.values().length];
                for (Phase p : Phase.values()) {
                    v.add(Verdict.parse(String.valueOf(verdicts.get(p.configName())))
                            .orElse(Verdict.PASS_THROUGH));
                    n[p.ordinal()] = ((Number) counts.get(p.configName())).longValue();
                }
                entries.add(new CoverageEntry(
                        (String) m.get("fingerprint"),
                        (String) m.get("tables"),
                        StatementKind.valueOf((String) m.get("kind")),
                        v,
                        (String) m.get("reason"),
                        (String) m.get("example"),
                        CoverageEntry.counts(n),
                        Instant.parse((String) m.get("firstSeen")),
                        Instant.parse((String) m.get("lastSeen"))));
            }
            return entries;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a SchemaShift coverage file: " + e.getMessage(), e);
        }
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        KeyCodec.quote(s, out);
        return out.toString();
    }
}
