package io.schemashift.jdbc;

import io.schemashift.config.RedactedUrl;
import io.schemashift.error.ShiftSqlState;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code jdbc:schemashift:…} URL taken apart: the real driver's URL, with every {@code
 * schemashift.*} parameter removed, and those parameters. Query-style ({@code ?a=b&c=d}) and
 * H2-style ({@code ;a=b}) parameters are both understood.
 *
 * @param realUrl what the real driver gets: {@code jdbc:} plus the rest, minus our parameters
 * @param parameters our parameters, by full name ({@code schemashift.config})
 */
public record ShiftUrl(String realUrl, Map<String, String> parameters) {

    /** Every SchemaShift URL starts with this. */
    public static final String PREFIX = "jdbc:schemashift:";

    private static final String OWN_PARAMETER = "schemashift.";

    /** Whether {@code url} is a SchemaShift URL. */
    public static boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /**
     * Takes a SchemaShift URL apart.
     *
     * @throws SQLException (SQLState 08001) if {@code url} is not a SchemaShift URL or names no real driver
     */
    public static ShiftUrl parse(String url) throws SQLException {
        if (!accepts(url)) {
            throw ShiftSqlState.CANNOT_CONNECT.error("not a SchemaShift URL: it must start with " + PREFIX);
        }
        String rest = url.substring(PREFIX.length());
        if (rest.isEmpty()
                || rest.startsWith(":")
                || rest.toLowerCase(Locale.ROOT).startsWith("schemashift:")) {
            throw ShiftSqlState.CANNOT_CONNECT.error("the URL names no real database: write " + PREFIX
                    + "<the real URL without 'jdbc:'>, e.g. jdbc:schemashift:postgresql://host:5432/app");
        }
        Map<String, String> own = new LinkedHashMap<>();
        int query = rest.indexOf('?');
        String head = query < 0 ? rest : rest.substring(0, query);
        String real = "jdbc:" + keepForeign(head, ";", false, own);
        if (query >= 0) {
            String kept = keepForeign(rest.substring(query + 1), "&", true, own);
            real = kept.isEmpty() ? real : real + "?" + kept;
        }
        return new ShiftUrl(real, Map.copyOf(own));
    }

    /**
     * Splits {@code text} on {@code separator}, moves {@code schemashift.*} segments into {@code
     * own} and returns the rest joined again. For H2-style URLs the first segment is the URL itself.
     */
    private static String keepForeign(String text, String separator, boolean decode, Map<String, String> own) {
        List<String> kept = new ArrayList<>();
        String[] segments = text.split(java.util.regex.Pattern.quote(separator), -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean parameter = decode || i > 0;
            if (parameter && segment.regionMatches(true, 0, OWN_PARAMETER, 0, OWN_PARAMETER.length())) {
                int eq = segment.indexOf('=');
                String name = (eq < 0 ? segment : segment.substring(0, eq)).toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : segment.substring(eq + 1);
                own.put(name, decode ? URLDecoder.decode(value, StandardCharsets.UTF_8) : value);
            } else {
                kept.add(segment);
            }
        }
        return String.join(separator, kept);
    }

    /** The real URL without its parameters, which may hold a password. */
    @Override
    public String toString() {
        return "ShiftUrl[" + RedactedUrl.of(realUrl) + ", parameters=" + parameters.keySet() + "]";
    }
}
