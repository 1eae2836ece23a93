package io.schemashift.mirror;

import io.schemashift.rewriter.KeyCodec;
import io.schemashift.rewriter.ParamSource;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.StatementKind;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A row a write touched, as the divergence log names it.
 *
 * @param table the mapped table (old name)
 * @param key the encoded key ({@link KeyCodec}), or {@code null}: the whole table
 * @param fingerprint the statement's fingerprint hash
 */
public record RowKey(String table, String key, String fingerprint) {

    /**
     * The rows a write touched, one list per execution ({@code entries}: its parameters, one per
     * batch entry): by key when the SQL makes it known. A key that cannot be known (a generated
     * value the database did not return) makes the record a whole-table one, which {@code verify}
     * checks in full: a {@code [null]} key could not be repaired.
     *
     * @param keys the keys the primary generated, or {@code null}
     */
    public static List<RowKey> touchedBy(Rewritten rw, List<Params> entries, GeneratedKeys keys) {
        String table = rw.tables().iterator().next();
        String fingerprint = rw.fingerprint().hash();
        RowKey wholeTable = wholeTable(rw);
        if (rw.keys().isEmpty()) {
            return List.of(wholeTable);
        }
        boolean valuesNameTheRow = valuesNameTheRow(rw);
        List<RowKey> records = new ArrayList<>();
        // an INSERT … SELECT read back: one key row per row it (a batch: all its entries) inserted
        boolean readBack = rw.readBack() != null && keys != null;
        int copies = readBack ? keys.size() : 1;
        int keyOffset = 0;
        for (Params entry : readBack ? entries.subList(0, 1) : entries) {
            for (int copy = 0; copy < copies; copy++) {
                for (List<ParamSource> row : rw.keys()) {
                    List<Object> values = new ArrayList<>(row.size());
                    for (ParamSource source : row) {
                        if (!valuesNameTheRow && !(source instanceof ParamSource.GeneratedKey)) {
                            return List.of(wholeTable);
                        }
                        Object value = valueOf(source, entry, keys, keyOffset + copy);
                        if (value == null) {
                            return List.of(wholeTable);
                        }
                        values.add(value);
                    }
                    records.add(new RowKey(table, KeyCodec.encode(values), fingerprint));
                }
            }
            keyOffset += rw.keys().size();
        }
        return records;
    }

    /**
     * Whether the key a write's values give names the row it changes. Not for an upsert whose
     * conflict is decided by other columns ({@code ON CONFLICT (email)}, a MariaDB unique index,
     * {@code ON CONSTRAINT}): the row it updates may hold another key. A key the primary returned
     * ({@link ParamSource.GeneratedKey}) is that row's own; so are the keys of an upsert that
     * updates no row it finds (none can conflict; MariaDB's {@code REPLACE}, whose rewrite gives
     * no keys when another unique index may delete rows under other keys).
     */
    private static boolean valuesNameTheRow(Rewritten rw) {
        return rw.kind() != StatementKind.UPSERT
                || (rw.probe() != null
                        && (rw.probe().groups().isEmpty()
                                || (rw.probe().groups().size() == 1
                                        && rw.probe().rows().equals(rw.keys()))));
    }

    /**
     * The rows an UPDATE or DELETE returned, one record each by the key columns of its table in
     * {@code keys}; the whole table when one is {@code NULL}.
     */
    public static List<RowKey> returned(Rewritten rw, GeneratedKeys keys) {
        String table = rw.tables().iterator().next();
        String fingerprint = rw.fingerprint().hash();
        List<RowKey> records = new ArrayList<>(keys.size());
        for (int row = 0; row < keys.size(); row++) {
            List<Object> values = keys.row(row);
            if (values.contains(null)) {
                return List.of(wholeTable(rw));
            }
            records.add(new RowKey(table, KeyCodec.encode(values), fingerprint));
        }
        return records;
    }

    /** The record of {@code rw}'s whole table: rows it writes that no key names. */
    public static RowKey wholeTable(Rewritten rw) {
        return new RowKey(rw.tables().iterator().next(), null, rw.fingerprint().hash());
    }

    /** A literal's value as written: a string's text unquoted, a number's text as it stands. */
    static String literal(ParamSource.Literal l) {
        String text = l.sqlText();
        return text.length() >= 2 && text.startsWith("'") && text.endsWith("'")
                ? text.substring(1, text.length() - 1).replace("''", "'")
                : text;
    }

    private static Object valueOf(ParamSource source, Params params, GeneratedKeys keys, int keyOffset) {
        try {
            if (source instanceof ParamSource.Bound b) {
                return params == null ? null : params.value(b.index());
            }
            if (source instanceof ParamSource.GeneratedKey g) {
                return keys == null ? null : keys.get(keyOffset + g.row(), g.column());
            }
            if (source instanceof ParamSource.Literal l) {
                return literal(l);
            }
        } catch (SQLException missing) {
            // fewer keys than rows: the key stays unknown
        }
        return null;
    }
}
