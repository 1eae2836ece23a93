package io.schemashift.backfill.internal;

import java.util.regex.Pattern;

/**
 * Names that go into generated SQL unquoted. Only plain identifiers pass, so a name can never
 * inject SQL; such names also match case-insensitively on every supported database.
 */
public final class Identifiers {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern QUALIFIED = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    private Identifiers() {}

    /**
     * @throws IllegalArgumentException if {@code name} is not a plain identifier
     */
    public static String require(String name, String what) {
        if (name == null || !PLAIN.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " '" + name
                    + "' is not a plain identifier (letters, digits, _ and $, not starting with a digit)");
        }
        return name;
    }

    /**
     * @throws IllegalArgumentException if {@code name} is not a plain identifier, optionally
     *     qualified by a schema ({@code schema.table})
     */
    public static String requireQualified(String name, String what) {
        if (name == null || !QUALIFIED.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    what + " '" + name + "' is not a plain identifier, optionally schema-qualified (schema.table)");
        }
        return name;
    }
}
