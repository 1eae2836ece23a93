package io.schemashift.backfill.internal;

import io.schemashift.api.Side;
import io.schemashift.rewriter.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL that backfill, verify and repair run for one table, per dialect. Only plain identifiers
 * from {@link TableShape} and the mapping's derived expressions go into the text; every value is
 * a bind parameter.
 *
 * <p>The names say old and new, the direction of a backfill: on a {@link TableShape#reversed()}
 * shape "old" is the new table (the source) and "new" the old table (the target).
 */
public final class Statements {

    private final Dialect dialect;
    private final TableShape shape;
    private final KeyRange oldRange;
    private final KeyRange newRange;

    public Statements(Dialect dialect, TableShape shape) {
        this.dialect = dialect;
        this.shape = shape;
        this.oldRange = new KeyRange(dialect, shape.oldKey());
        this.newRange = new KeyRange(dialect, shape.newKey());
    }

    public TableShape shape() {
        return shape;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The key range over the given side's key columns. */
    public KeyRange range(Side side) {
        return side == Side.OLD ? oldRange : newRange;
    }

    /** The lock a reader takes on old rows so that writers of those rows wait until it commits. */
    public String lockClause() {
        return switch (dialect) {
            case POSTGRESQL -> " FOR SHARE";
            case MARIADB -> " LOCK IN SHARE MODE";
            case H2 -> " FOR UPDATE"; // H2 has no shared row lock
        };
    }

    /**
     * The next {@code limit} old keys after the bound: the range of a same-database batch. Only H2
     * locks them here, because its MERGE does not lock what it reads; PostgreSQL's INSERT …
     * SELECT … FOR SHARE and MariaDB's INSERT … SELECT (REPEATABLE READ) lock the rows they copy.
     */
    public String nextKeys(boolean hasLower, int limit) {
        String keys = String.join(", ", shape.oldKey());
        return "SELECT " + keys + " FROM " + shape.oldTable() + oldRange.where(hasLower, false) + " ORDER BY " + keys
                + " LIMIT " + limit + (dialect == Dialect.H2 ? lockClause() : "");
    }

    /**
     * The next {@code limit} old rows after the bound, mapped to new columns, locked unless {@code
     * rowLocks} is false (only for a batch that holds {@link #lockOldTable()}).
     */
    public String lockNextRows(boolean hasLower, int limit, boolean rowLocks) {
        return "SELECT " + String.join(", ", shape.oldExprs(dialect)) + " FROM " + shape.oldTable()
                + oldRange.where(hasLower, false) + " ORDER BY " + String.join(", ", shape.oldKey()) + " LIMIT "
                + limit + (rowLocks ? lockClause() : "");
    }

    /** One old row by key, mapped to new columns, locked. */
    public String lockRowByKey() {
        return "SELECT " + String.join(", ", shape.oldExprs(dialect)) + " FROM " + shape.oldTable() + " WHERE "
                + KeyCondition.equal(shape.oldKey()).sql() + lockClause();
    }

    /**
     * PostgreSQL: a SHARE lock on the whole old table, only if no writer holds a conflicting lock
     * right now (NOWAIT never queues, so application writes never line up behind it). Held until
     * the batch commits, it keeps every writer of the old table out for that long, so the batch's
     * copy needs no row locks.
     */
    public String lockOldTable() {
        if (dialect != Dialect.POSTGRESQL) {
            throw new IllegalStateException("only PostgreSQL batches lock the old table");
        }
        return "LOCK TABLE " + shape.oldTable() + " IN SHARE MODE NOWAIT";
    }

    /**
     * PostgreSQL: how a same-database batch treats rows its key range may hold on the new side
     * already (a mirrored write, a repair, an earlier run). Every mode leaves such a row as it is.
     */
    public enum NewRows {
        /**
         * The range held no new row when the batch looked ({@link #anyNewRow}): a plain INSERT …
         * SELECT, the cost of the statement a user would write. A row that arrives later fails the
         * statement with a unique violation (23505).
         */
        NONE_SEEN,
        /**
         * Skips the rows in the statement's snapshot with {@code NOT EXISTS} (an anti-join over the
         * range on both tables, cheaper than ON CONFLICT); a row that arrives later fails the
         * statement with a unique violation (23505).
         */
        SKIP_SEEN,
        /** {@code ON CONFLICT DO NOTHING}: waits for rows being written and skips them. */
        WAIT_AND_SKIP
    }

    /**
     * Whether the new table holds any row of a key range: one probe of its key index. Parameters:
     * the range.
     */
    public String anyNewRow(boolean hasLower, boolean hasUpper) {
        return "SELECT 1 FROM " + shape.newTable() + newRange.where(hasLower, hasUpper) + " LIMIT 1";
    }

    /**
     * Same database: copies the old rows of a key range that the new table lacks, in one
     * statement. Parameters: the lineage batch id (when the table has lineage), then the range
     * (twice when {@link #rangeTwice}).
     *
     * <p>On PostgreSQL, {@code newRows} says how rows already on the new side are kept (see {@link
     * NewRows}); the caller runs a batch that failed with a unique violation again with {@link
     * NewRows#WAIT_AND_SKIP}. {@code rowLocks} false leaves out PostgreSQL's {@code FOR SHARE}:
     * only for a batch that holds {@link #lockOldTable()}. Other dialects always use their conflict
     * clause and lock what they read.
     */
    public String insertMissingFromOld(boolean hasLower, boolean hasUpper, NewRows newRows, boolean rowLocks) {
        List<String> cols = new ArrayList<>(shape.newNames());
        List<String> exprs = new ArrayList<>(shape.writtenExprs(dialect));
        if (shape.lineage()) {
            cols.add(TableShape.LINEAGE_BATCH);
            cols.add(TableShape.LINEAGE_AT);
            exprs.add("CAST(? AS " + batchType() + ")");
            exprs.add("CURRENT_TIMESTAMP");
        }
        String where = oldRange.where(hasLower, hasUpper);
        return switch (dialect) {
            case POSTGRESQL -> {
                String insert = "INSERT INTO " + shape.newTable() + " " + columnList(cols) + " SELECT "
                        + String.join(", ", exprs) + " FROM " + shape.oldTable();
                String lock = rowLocks ? " FOR SHARE" : "";
                if (newRows == NewRows.NONE_SEEN) {
                    yield insert + where + lock;
                }
                if (newRows == NewRows.WAIT_AND_SKIP) {
                    yield insert + where + lock + " ON CONFLICT (" + String.join(", ", shape.newKey()) + ") DO NOTHING";
                }
                List<String> match = new ArrayList<>();
                for (int i = 0; i < shape.key().size(); i++) {
                    match.add("n." + shape.newKey().get(i) + " = o."
                            + shape.oldKey().get(i));
                }
                // the range again on the new table: without it the planner may hash the whole new table
                // (as its statistics stand while it is being filled) for every batch
                String newWhere = newRange.where(hasLower, hasUpper);
                if (!newWhere.isEmpty()) {
                    match.add(newWhere.substring(" WHERE ".length()));
                }
                yield insert + " o" + (where.isEmpty() ? " WHERE " : where + " AND ") + "NOT EXISTS (SELECT 1 FROM "
                        + shape.newTable() + " n WHERE " + String.join(" AND ", match) + ")"
                        + (rowLocks ? " FOR SHARE OF o" : "");
            }
            case MARIADB ->
                "INSERT INTO " + shape.newTable() + " " + columnList(cols) + " SELECT "
                        + String.join(", ", exprs) + " FROM " + shape.oldTable() + where + " ON DUPLICATE KEY UPDATE "
                        + keepKey(shape.newTable() + ".");
            case H2 -> {
                List<String> aliased = new ArrayList<>();
                for (int i = 0; i < cols.size(); i++) {
                    aliased.add(exprs.get(i) + " AS " + cols.get(i));
                }
                yield "MERGE INTO " + shape.newTable() + " t USING (SELECT " + String.join(", ", aliased) + " FROM "
                        + shape.oldTable() + where + ") s ON (" + keyJoin() + ") WHEN NOT MATCHED THEN INSERT "
                        + columnList(cols) + " VALUES (" + prefixed("s.", cols) + ")";
            }
        };
    }

    /**
     * Whether {@link #insertMissingFromOld} takes the key range twice: after the old side's range,
     * the same bounds again for the new side's.
     */
    public boolean rangeTwice(NewRows newRows) {
        return dialect == Dialect.POSTGRESQL && newRows == NewRows.SKIP_SEEN;
    }

    /**
     * Inserts one new row unless its key exists. Parameters: every new column in {@link
     * TableShape#columns()} order, then the lineage batch id when the table has lineage.
     */
    public String insertIfAbsent() {
        return insertIfAbsent(1);
    }

    /**
     * Inserts {@code rows} new rows in one statement, each unless its key exists; parameters as
     * {@link #insertIfAbsent()}, row after row. One statement of many rows costs the server about
     * as much as one row of a batch, a JDBC batch of one-row statements each row's own round of
     * parsing and executing. H2 takes one row per statement.
     */
    public String insertIfAbsent(int rows) {
        if (rows < 1 || (rows > 1 && dialect == Dialect.H2)) {
            throw new IllegalArgumentException("rows per insert: 1 on H2, at least 1 elsewhere, not " + rows);
        }
        List<String> cols = writtenColumns();
        String values = ("(" + values() + "), ").repeat(rows - 1) + "(" + values() + ")";
        return switch (dialect) {
            case POSTGRESQL ->
                "INSERT INTO " + shape.newTable() + " " + columnList(cols) + " VALUES " + values + " ON CONFLICT ("
                        + String.join(", ", shape.newKey()) + ") DO NOTHING";
            case MARIADB ->
                "INSERT INTO " + shape.newTable() + " " + columnList(cols) + " VALUES " + values
                        + " ON DUPLICATE KEY UPDATE " + keepKey("");
            case H2 -> h2Merge(false);
        };
    }

    /**
     * H2's insert of one row from {@link #insertIfAbsent()}'s parameters, a row whose key exists
     * kept, or overwritten with {@code overwrite}. Numbered parameters ({@code ?1}) stand where
     * their columns type them (a {@code MERGE … USING} source would take a timestamp for a date
     * as text) and give the key twice; not {@code MERGE … KEY}, which writes no identity numbered
     * GENERATED ALWAYS.
     */
    private String h2Merge(boolean overwrite) {
        List<String> cols = writtenColumns();
        List<String> values = new ArrayList<>();
        List<TableShape.MappedColumn> columns = shape.columns();
        for (int i = 0; i < columns.size(); i++) {
            values.add(columns.get(i).written("?" + (i + 1)));
        }
        if (shape.lineage()) {
            values.add("CAST(?" + (columns.size() + 1) + " AS " + batchType() + ")");
            values.add("CURRENT_TIMESTAMP");
        }
        List<String> keys = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) {
            if (shape.newKey().contains(cols.get(i))) {
                keys.add(values.get(i));
            } else {
                sets.add(cols.get(i) + " = " + values.get(i));
            }
        }
        return "MERGE INTO " + shape.newTable() + " t USING (VALUES (" + String.join(", ", keys) + ")) s("
                + String.join(", ", shape.newKey()) + ") ON (" + keyJoin() + ")"
                + (overwrite && !sets.isEmpty() ? " WHEN MATCHED THEN UPDATE SET " + String.join(", ", sets) : "")
                + " WHEN NOT MATCHED THEN INSERT " + columnList(cols) + " VALUES (" + String.join(", ", values) + ")";
    }

    /** Inserts or overwrites one new row; parameters as {@link #insertIfAbsent()}. */
    public String upsert() {
        List<String> cols = writtenColumns();
        List<String> nonKey =
                cols.stream().filter(c -> !shape.newKey().contains(c)).toList();
        return switch (dialect) {
            case POSTGRESQL ->
                "INSERT INTO " + shape.newTable() + " " + columnList(cols) + " VALUES (" + values() + ") ON CONFLICT ("
                        + String.join(", ", shape.newKey()) + ") DO "
                        + (nonKey.isEmpty()
                                ? "NOTHING"
                                : "UPDATE SET "
                                        + nonKey.stream()
                                                .map(c -> c + " = EXCLUDED." + c)
                                                .collect(Collectors.joining(", ")));
            case MARIADB ->
                "INSERT INTO " + shape.newTable() + " " + columnList(cols) + " VALUES (" + values()
                        + ") ON DUPLICATE KEY UPDATE "
                        + (nonKey.isEmpty()
                                ? keepKey("")
                                : nonKey.stream()
                                        .map(c -> c + " = VALUES(" + c + ")")
                                        .collect(Collectors.joining(", ")));
            case H2 -> h2Merge(true);
        };
    }

    /** Deletes one new row by key. */
    public String deleteByKey() {
        return "DELETE FROM " + shape.newTable() + " WHERE "
                + KeyCondition.equal(shape.newKey()).sql();
    }

    /**
     * The key that ends a chunk: the {@code chunk}-th old key after the lower bound (and at most the
     * upper bound, when there is one).
     */
    public String chunkEnd(boolean hasLower, boolean hasUpper, int chunk) {
        String keys = String.join(", ", shape.oldKey());
        return "SELECT " + keys + " FROM " + shape.oldTable() + oldRange.where(hasLower, hasUpper) + " ORDER BY " + keys
                + " LIMIT 1 OFFSET " + (chunk - 1);
    }

    /** Row count and order-independent 64-bit checksum of a key range on one side. */
    public String checksum(Side side, boolean hasLower, boolean hasUpper) {
        String hash =
                switch (dialect) {
                    case POSTGRESQL -> "bit_xor(hashint8extended(" + String.join(" # ", hashCells(side)) + ", 0))";
                    case MARIADB ->
                        "BIT_XOR(CAST(CONV(SUBSTRING(MD5(" + rowText(side) + "), 1, 16), 16, 10) AS UNSIGNED))";
                    case H2 -> "BIT_XOR_AGG(CAST(SUBSTRING(HASH('SHA-256', " + rowText(side) + "), 1, 8) AS BIGINT))";
                };
        return "SELECT COUNT(*), " + hash + " FROM " + table(side) + range(side).where(hasLower, hasUpper);
    }

    /** Key columns, then every normalized cell, of a key range on one side, in key order. */
    public String rows(Side side, boolean hasLower, boolean hasUpper) {
        List<String> keys = side == Side.OLD ? shape.oldKey() : shape.newKey();
        // ordinals: a normalized cell such as CAST(id AS text) is also named id in PostgreSQL
        String ordinals = java.util.stream.IntStream.rangeClosed(1, keys.size())
                .mapToObj(Integer::toString)
                .collect(Collectors.joining(", "));
        return "SELECT " + String.join(", ", keys) + ", " + String.join(", ", cells(side)) + " FROM " + table(side)
                + range(side).where(hasLower, hasUpper) + " ORDER BY " + ordinals;
    }

    /** Key columns, then every normalized cell, of one row by key on one side. */
    public String rowByKey(Side side) {
        List<String> keys = side == Side.OLD ? shape.oldKey() : shape.newKey();
        return "SELECT " + String.join(", ", keys) + ", " + String.join(", ", cells(side)) + " FROM " + table(side)
                + " WHERE " + KeyCondition.equal(keys).sql();
    }

    /** An estimate of the old table's row count, cheap where the catalog has one. */
    public String rowEstimate() {
        return switch (dialect) {
            case POSTGRESQL ->
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('" + shape.oldTable() + "')";
            case MARIADB ->
                "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                        + (shape.oldTable().contains(".")
                                ? "'"
                                        + shape.oldTable()
                                                .substring(0, shape.oldTable().indexOf('.')) + "'"
                                : "DATABASE()")
                        + " AND TABLE_NAME = '"
                        + shape.oldTable().substring(shape.oldTable().indexOf('.') + 1) + "'";
            case H2 -> rowCount();
        };
    }

    /** The old table's exact row count. */
    public String rowCount() {
        return "SELECT COUNT(*) FROM " + shape.oldTable();
    }

    /**
     * Each mapped column as normalized text on one side, by its own type and the other side's: the
     * old side evaluates derived expressions and casts a value to a new type that takes it only
     * through a cast ({@link TableShape.MappedColumn#comparedAs}), and both sides normalize by the
     * new column's type where the old one has none or is cast to it.
     */
    public List<String> cells(Side side) {
        List<String> cells = new ArrayList<>();
        for (TableShape.MappedColumn c : shape.columns()) {
            ColumnInfo oldType = c.comparedType();
            if (side == Side.OLD) {
                cells.add(Normalizer.text(dialect, c.comparedExpr(), oldType, c.newType()));
            } else {
                cells.add(Normalizer.text(dialect, c.newName(), c.newType(), oldType));
            }
        }
        return cells;
    }

    /**
     * PostgreSQL's checksum cells, each a 64-bit hash seeded with its position (so that equal values
     * in different columns differ) and a per-column constant for NULL. A column whose old and new
     * types hash alike is hashed typed, by its type's own hash function (integers of every width
     * alike, numerics without trailing zeros, varchar as text, CHAR without trailing blanks,
     * timestamps with time zone in UTC); a derived expression is cast to the new column's type
     * first, and so is an old value a new type takes only through a cast; anything else is hashed as
     * normalized text. Typed hashes save the text conversion, and
     * calling the hash functions directly saves building a record per row for {@code
     * hash_record_extended}: together most of the scan time.
     */
    private List<String> hashCells(Side side) {
        List<String> normalized = cells(side);
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < shape.columns().size(); i++) {
            TableShape.MappedColumn c = shape.columns().get(i);
            ColumnInfo.Kind kind = c.newType().kind();
            boolean hashable = HASHABLE.contains(kind);
            String hash;
            if (c.derived() && hashable) {
                hash = typedHash(
                        kind,
                        side == Side.OLD
                                ? "CAST(" + c.oldExpr() + " AS " + c.newType().typeName() + ")"
                                : c.newName(),
                        i + 1);
            } else if (c.comparedAs() != null && hashable) {
                hash = typedHash(kind, side == Side.OLD ? c.comparedExpr() : c.newName(), i + 1);
            } else if (!c.derived() && hashable && hashAlike(c.oldType(), c.newType())) {
                hash = typedHash(kind, side == Side.OLD ? c.oldExpr() : c.newName(), i + 1);
            } else {
                hash = "hashtextextended(" + normalized.get(i) + ", " + (i + 1) + ")";
            }
            cells.add("coalesce(" + hash + ", " + (-(i + 1)) + ")");
        }
        return cells;
    }

    /** PostgreSQL: the hash of a typed value, by the function of its type's default hash operator class. */
    private static String typedHash(ColumnInfo.Kind kind, String value, int seed) {
        return switch (kind) {
            case INTEGER -> "hashint8extended(CAST(" + value + " AS bigint), " + seed + ")";
            case DECIMAL -> "hash_numeric_extended(" + value + ", " + seed + ")";
            case TEXT ->
                "hashtextextended(CAST(" + value + " AS text), " + seed + ")"; // an enum too: pgjdbc reports it as text
            case CHAR -> "hashbpcharextended(" + value + ", " + seed + ")";
            case DATE -> "hashint4extended((" + value + ") - DATE '2000-01-01', " + seed + ")";
            case TIMESTAMP -> "timestamp_hash_extended(" + value + ", " + seed + ")";
            case TIMESTAMP_TZ -> "timestamp_hash_extended((" + value + ") AT TIME ZONE 'UTC', " + seed + ")";
            case BOOLEAN -> "hashint4extended(CAST(" + value + " AS int), " + seed + ")";
            default -> throw new IllegalStateException("no typed hash for " + kind);
        };
    }

    private static final java.util.Set<ColumnInfo.Kind> HASHABLE = java.util.EnumSet.of(
            ColumnInfo.Kind.BOOLEAN,
            ColumnInfo.Kind.INTEGER,
            ColumnInfo.Kind.DECIMAL,
            ColumnInfo.Kind.DATE,
            ColumnInfo.Kind.TIMESTAMP,
            ColumnInfo.Kind.TIMESTAMP_TZ,
            ColumnInfo.Kind.CHAR,
            ColumnInfo.Kind.TEXT);

    private static boolean hashAlike(ColumnInfo a, ColumnInfo b) {
        ColumnInfo.Kind k = a.kind();
        if (k != b.kind()) {
            return false;
        }
        return k == ColumnInfo.Kind.INTEGER
                || k == ColumnInfo.Kind.DECIMAL
                || k == ColumnInfo.Kind.TEXT
                || a.typeName().equals(b.typeName());
    }

    private String rowText(Side side) {
        List<String> cells = cells(side);
        return switch (dialect) {
            case POSTGRESQL -> throw new IllegalStateException("PostgreSQL checksums hash typed rows");
            case MARIADB -> "JSON_ARRAY(" + String.join(", ", cells) + ")";
            case H2 -> "CAST(JSON_ARRAY(" + String.join(", ", cells) + " NULL ON NULL) AS VARCHAR)";
        };
    }

    private String table(Side side) {
        return side == Side.OLD ? shape.oldTable() : shape.newTable();
    }

    private List<String> writtenColumns() {
        List<String> cols = new ArrayList<>(shape.newNames());
        if (shape.lineage()) {
            cols.add(TableShape.LINEAGE_BATCH);
            cols.add(TableShape.LINEAGE_AT);
        }
        return cols;
    }

    /**
     * An INSERT's column list, with what makes an identity numbered GENERATED ALWAYS take the value
     * written ({@link Dialect#overridingIdentity}): the rows copied keep the other side's keys.
     */
    private String columnList(List<String> cols) {
        return "(" + String.join(", ", cols) + ")" + dialect.overridingIdentity();
    }

    private String values() {
        String values = String.join(", ", shape.writtenParams());
        return shape.lineage() ? values + ", CAST(? AS " + batchType() + "), CURRENT_TIMESTAMP" : values;
    }

    /** A no-op assignment: MariaDB's insert-if-absent without INSERT IGNORE, which hides other errors. */
    private String keepKey(String qualifier) {
        String k = qualifier + shape.newKey().get(0);
        return k + " = " + k;
    }

    private String batchType() {
        return dialect == Dialect.MARIADB ? "CHAR(64)" : "VARCHAR(64)";
    }

    private String keyJoin() {
        return shape.newKey().stream().map(k -> "t." + k + " = s." + k).collect(Collectors.joining(" AND "));
    }

    private static String prefixed(String prefix, List<String> cols) {
        return String.join(", ", prefixedList(prefix, cols));
    }

    private static List<String> prefixedList(String prefix, List<String> cols) {
        return cols.stream().map(c -> prefix + c).toList();
    }
}
