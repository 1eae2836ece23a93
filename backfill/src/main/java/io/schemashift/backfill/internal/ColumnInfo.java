package io.schemashift.backfill.internal;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * A column as database metadata describes it.
 *
 * @param name the name as the database reports it
 * @param jdbcType a {@link Types} constant
 * @param typeName the database's own type name, lower case
 * @param nullable whether the column may hold NULL (unknown counts as nullable)
 * @param generated whether the table computes it itself ({@code GENERATED ALWAYS AS …}): no
 *     statement may write it
 */
public record ColumnInfo(String name, int jdbcType, String typeName, boolean nullable, boolean generated) {

    public ColumnInfo {
        typeName = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
    }

    /** The coarse kind that decides how a value is normalized to text. */
    public Kind kind() {
        if (typeName.startsWith("bool") || jdbcType == Types.BOOLEAN || jdbcType == Types.BIT) {
            return Kind.BOOLEAN;
        }
        if (typeName.equals("uuid")) {
            return Kind.OTHER; // H2 reports it as binary; its text is what both sides compare and keys spell
        }
        return switch (jdbcType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Kind.INTEGER;
            case Types.DECIMAL, Types.NUMERIC -> Kind.DECIMAL;
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> Kind.FLOAT;
            case Types.DATE -> Kind.DATE;
            case Types.TIME -> zonedName() ? Kind.TIME_TZ : Kind.TIME;
            case Types.TIME_WITH_TIMEZONE -> Kind.TIME_TZ;
            case Types.TIMESTAMP -> zonedName() ? Kind.TIMESTAMP_TZ : Kind.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TIMESTAMP_TZ;
            case Types.CHAR, Types.NCHAR -> Kind.CHAR;
            case Types.VARCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB ->
                Kind.TEXT;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Kind.BINARY;
            default -> Kind.OTHER;
        };
    }

    /** PostgreSQL reports {@code timetz} and {@code timestamptz} as {@link Types#TIME} and {@link Types#TIMESTAMP}. */
    private boolean zonedName() {
        return typeName.contains("tz") || typeName.contains("time zone");
    }

    /**
     * The value a key's text form ({@link io.schemashift.rewriter.KeyCodec}) stands for, typed so
     * that it binds to this column on every driver.
     *
     * @throws IllegalArgumentException if the text does not fit the column type
     */
    public Object parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return switch (kind()) {
                case INTEGER -> Long.valueOf(text);
                case DECIMAL -> new BigDecimal(text);
                case FLOAT -> Double.valueOf(text);
                case BOOLEAN -> "1".equals(text) || "true".equalsIgnoreCase(text);
                case DATE -> LocalDate.parse(text);
                case TIMESTAMP -> Timestamp.valueOf(text);
                case BINARY -> HexFormat.of().parseHex(text);
                case OTHER -> typeName.equals("uuid") ? UUID.fromString(text) : text;
                default -> jdbcType == Types.TIME ? LocalTime.parse(text) : text;
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "key value does not fit column " + name + " of type " + typeName + ": " + e.getMessage(), e);
        }
    }

    /** Kinds of column types, as far as normalization cares. */
    public enum Kind {
        BOOLEAN,
        INTEGER,
        DECIMAL,
        FLOAT,
        DATE,
        TIME,
        TIME_TZ,
        TIMESTAMP,
        TIMESTAMP_TZ,
        CHAR,
        TEXT,
        BINARY,
        OTHER
    }
}
