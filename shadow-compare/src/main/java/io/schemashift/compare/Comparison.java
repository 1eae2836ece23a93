package io.schemashift.compare;

import io.schemashift.compare.MismatchReport.ColumnDifference;
import io.schemashift.compare.MismatchReport.Kind;
import io.schemashift.compare.MismatchReport.Sample;
import io.schemashift.compare.Values.Category;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One run of a comparison. Rows are reduced to hashes as they are read; only the hashes of one side are kept, and
 * only when the order is free (multiset). Not thread-safe: made and used by one {@link ShadowComparator#compare}
 * call.
 */
final class Comparison {
    private static final Category[] CATEGORIES = Category.values();

    private final CompareRules rules;
    private final Values values;
    private final ComparisonInput input;
    private final List<String> columns;
    private final int width;
    private final boolean[] compared;
    /** Per column: compared by its text ({@link ComparisonInput#textColumns}). */
    private final boolean[] asText;

    private final int[] key;
    private final boolean ordered;
    private final boolean plain;

    private final long[] counts = new long[Kind.values().length];
    private final long[] columnCounts;
    private final List<Sample> samples = new ArrayList<>();
    private long firstDifference = -1;
    private long primaryCount;
    private long otherCount;
    private Redactor redactor;

    /** A row reduced to hashes; its values are kept only while in hand, or in {@link ValuesMode#PLAIN}. */
    private static final class Row {
        final long index;
        final long[] hashes;
        final byte[] categories;
        final Object[] values;
        long rowHash;
        long keyHash;
        Row next;

        Row(long index, int width, Object[] values) {
            this.index = index;
            this.hashes = new long[width];
            this.categories = new byte[width];
            this.values = values;
        }
    }

    /** How often one full row occurs, for multisets without a key. */
    private static final class Tally {
        Row primary;
        Row other;
        long count;
    }

    Comparison(CompareRules rules, Values values, ComparisonInput input) {
        this.rules = rules;
        this.values = values;
        this.input = input;
        this.columns = input.primaryColumns();
        this.width = columns.size();
        this.compared = new boolean[width];
        this.asText = new boolean[width];
        for (int i = 0; i < width; i++) {
            compared[i] = !ignored(columns.get(i));
            asText[i] = input.textColumns().contains(columns.get(i).toLowerCase(Locale.ROOT));
        }
        this.key = keyIndexes();
        this.ordered = rules.ordered(input.hasOrderBy());
        this.plain = rules.values() == ValuesMode.PLAIN;
        this.columnCounts = new long[width];
    }

    ComparisonResult run() {
        if (!sameLabels(input.primaryColumns(), input.otherColumns())) {
            return ComparisonResult.mismatch(
                    MismatchReport.columnsDiffer(input.primaryColumns(), input.otherColumns()));
        }
        boolean complete = ordered ? compareOrdered() : key.length > 0 ? compareByKey() : compareByRow();
        if (!complete) {
            return ComparisonResult.truncated(primaryCount, otherCount);
        }
        if (counts[Kind.MISSING.ordinal()]
                        + counts[Kind.EXTRA.ordinal()]
                        + counts[Kind.CHANGED.ordinal()]
                        + counts[Kind.MISPLACED.ordinal()]
                == 0) {
            return ComparisonResult.match(primaryCount, otherCount);
        }
        Map<String, Long> byColumn = new LinkedHashMap<>();
        for (int i = 0; i < width; i++) {
            if (columnCounts[i] > 0) {
                byColumn.put(columns.get(i), columnCounts[i]);
            }
        }
        return ComparisonResult.mismatch(new MismatchReport(
                input.primaryColumns(),
                input.otherColumns(),
                false,
                ordered,
                primaryCount,
                otherCount,
                counts,
                firstDifference,
                byColumn,
                samples));
    }

    /** Lockstep, position by position: nothing is kept but the samples. */
    private boolean compareOrdered() {
        Iterator<Object[]> p = input.primaryRows();
        Iterator<Object[]> o = input.otherRows();
        for (long i = 0; ; i++) {
            boolean hasPrimary = p.hasNext();
            boolean hasOther = o.hasNext();
            if (!hasPrimary && !hasOther) {
                return true;
            }
            if (hasPrimary && primaryCount == rules.maxRows() || hasOther && otherCount == rules.maxRows()) {
                return false;
            }
            Row pr = hasPrimary ? read(p.next(), primaryCount++, false) : null;
            Row or = hasOther ? read(o.next(), otherCount++, false) : null;
            if (or == null) {
                record(Kind.MISSING, 1, pr, null, i);
            } else if (pr == null) {
                record(Kind.EXTRA, 1, or, null, i);
            } else if (pr.rowHash != or.rowHash) {
                record(key.length > 0 && pr.keyHash == or.keyHash ? Kind.CHANGED : Kind.MISPLACED, 1, pr, or, i);
            }
        }
    }

    /** Multiset with a key: the primary's rows by key hash (hashes only), then the other side streamed against it. */
    private boolean compareByKey() {
        Map<Long, Row> byKey = new LinkedHashMap<>();
        Iterator<Object[]> p = input.primaryRows();
        while (p.hasNext()) {
            if (primaryCount == rules.maxRows()) {
                return false;
            }
            Row r = read(p.next(), primaryCount++, true);
            Row head = byKey.putIfAbsent(r.keyHash, r);
            if (head != null) {
                // the key is not unique in this result: chain the rows, matched by full row first
                r.next = head.next;
                head.next = r;
            }
        }
        Iterator<Object[]> o = input.otherRows();
        while (o.hasNext()) {
            if (otherCount == rules.maxRows()) {
                return false;
            }
            Row r = read(o.next(), otherCount++, false);
            Row head = byKey.get(r.keyHash);
            if (head == null) {
                record(Kind.EXTRA, 1, r, null, r.index);
                continue;
            }
            Row match = take(byKey, head, r.rowHash);
            if (match.rowHash != r.rowHash) {
                record(Kind.CHANGED, 1, match, r, match.index);
            }
        }
        for (Row head : byKey.values()) {
            for (Row r = head; r != null; r = r.next) {
                record(Kind.MISSING, 1, r, null, r.index);
            }
        }
        return true;
    }

    /** Removes and returns the chained row with this row hash, or else the first row of the chain. */
    private static Row take(Map<Long, Row> byKey, Row head, long rowHash) {
        if (head.rowHash != rowHash) {
            for (Row prev = head, r = head.next; r != null; prev = r, r = r.next) {
                if (r.rowHash == rowHash) {
                    prev.next = r.next;
                    return r;
                }
            }
        }
        if (head.next == null) {
            byKey.remove(head.keyHash);
        } else {
            byKey.put(head.keyHash, head.next);
        }
        return head;
    }

    /** Multiset without a key: rows are their full-row hash, counted up by the primary and down by the other side. */
    private boolean compareByRow() {
        Map<Long, Tally> byRow = new LinkedHashMap<>();
        Iterator<Object[]> p = input.primaryRows();
        while (p.hasNext()) {
            if (primaryCount == rules.maxRows()) {
                return false;
            }
            Row r = read(p.next(), primaryCount++, true);
            Tally t = byRow.computeIfAbsent(r.rowHash, h -> new Tally());
            if (t.primary == null) {
                t.primary = r;
            }
            t.count++;
        }
        Iterator<Object[]> o = input.otherRows();
        while (o.hasNext()) {
            if (otherCount == rules.maxRows()) {
                return false;
            }
            Row r = read(o.next(), otherCount++, true);
            Tally t = byRow.computeIfAbsent(r.rowHash, h -> new Tally());
            if (t.other == null) {
                t.other = r;
            }
            t.count--;
        }
        for (Tally t : byRow.values()) {
            if (t.count > 0) {
                record(Kind.MISSING, t.count, t.primary, null, t.primary.index);
            } else if (t.count < 0) {
                record(Kind.EXTRA, -t.count, t.other, null, t.other.index);
            }
        }
        return true;
    }

    /** Normalizes and hashes one row; keeps a copy of its values only if it is stored and reports are plain. */
    private Row read(Object[] raw, long index, boolean stored) {
        if (raw.length != width) {
            throw new IllegalArgumentException(
                    "row " + index + " has " + raw.length + " values, but there are " + width + " columns");
        }
        Row r = new Row(index, width, stored ? (plain ? raw.clone() : null) : raw);
        long rowHash = Hashing.start(width);
        for (int i = 0; i < width; i++) {
            Object n = asText[i] ? values.normalizeText(raw[i]) : values.normalize(raw[i]);
            r.categories[i] = (byte) Values.category(n).ordinal();
            r.hashes[i] = Values.hash(n);
            if (compared[i]) {
                rowHash = Hashing.add(rowHash, r.hashes[i]);
            }
        }
        long keyHash = Hashing.start(key.length);
        for (int k : key) {
            keyHash = Hashing.add(keyHash, r.hashes[k]);
        }
        r.rowHash = Hashing.finish(rowHash);
        r.keyHash = Hashing.finish(keyHash);
        return r;
    }

    private void record(Kind kind, long times, Row row, Row other, long index) {
        counts[kind.ordinal()] += times;
        if (ordered && firstDifference < 0) {
            firstDifference = index;
        }
        boolean sample = samples.size() < rules.maxSamples();
        List<ColumnDifference> differences = new ArrayList<>();
        if (kind == Kind.CHANGED) {
            for (int i = 0; i < width; i++) {
                if (compared[i] && row.hashes[i] != other.hashes[i]) {
                    columnCounts[i]++;
                    if (sample) {
                        differences.add(new ColumnDifference(columns.get(i), value(row, i), value(other, i)));
                    }
                }
            }
        }
        if (sample) {
            String otherKey = kind == Kind.MISPLACED ? key(other) : null;
            samples.add(new Sample(kind, index, key(row), otherKey, differences));
        }
    }

    private String value(Row r, int i) {
        Category c = CATEGORIES[r.categories[i]];
        if (c == Category.NULL) {
            return "NULL";
        }
        return c.label + ":"
                + switch (rules.values()) {
                    case PLAIN -> Values.plain(r.values[i]);
                    case OMITTED -> "?";
                    case REDACTED -> redactor().token(r.hashes[i]);
                };
    }

    private String key(Row r) {
        if (key.length == 0) {
            return switch (rules.values()) {
                case PLAIN -> plainRow(r);
                case OMITTED -> "row ?";
                case REDACTED -> "row " + redactor().token(r.rowHash);
            };
        }
        StringJoiner j = new StringJoiner(", ");
        for (int k : key) {
            String v;
            if (r.categories[k] == Category.NULL.ordinal()) {
                v = "NULL";
            } else {
                v = switch (rules.values()) {
                    case PLAIN -> Values.plain(r.values[k]);
                    case OMITTED -> "?";
                    case REDACTED -> redactor().token(r.hashes[k]);
                };
            }
            j.add(columns.get(k) + "=" + v);
        }
        return j.toString();
    }

    private String plainRow(Row r) {
        StringJoiner j = new StringJoiner(", ", "row (", ")");
        for (int i = 0; i < width; i++) {
            if (compared[i]) {
                j.add(columns.get(i) + "=" + Values.plain(r.values[i]));
            }
        }
        return j.toString();
    }

    private Redactor redactor() {
        if (redactor == null) {
            redactor = new Redactor(rules.redactionKey());
        }
        return redactor;
    }

    private static boolean sameLabels(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equalsIgnoreCase(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The key's column positions, or none if a key column is not in the result. */
    private int[] keyIndexes() {
        List<String> names = input.keyColumns();
        int[] indexes = new int[names.size()];
        for (int k = 0; k < indexes.length; k++) {
            indexes[k] = -1;
            for (int i = 0; i < width; i++) {
                if (columns.get(i).equalsIgnoreCase(names.get(k))) {
                    indexes[k] = i;
                    break;
                }
            }
            if (indexes[k] < 0) {
                return new int[0];
            }
        }
        return indexes;
    }

    /** Whether an ignore rule names this column: plainly, or qualified by a table of the query. */
    private boolean ignored(String label) {
        String column = label.toLowerCase(Locale.ROOT);
        for (String rule : rules.ignoredColumns()) {
            int dot = rule.lastIndexOf('.');
            if (dot < 0
                    ? rule.equals(column)
                    : rule.substring(dot + 1).equals(column) && onTable(rule.substring(0, dot))) {
                return true;
            }
        }
        return false;
    }

    private boolean onTable(String table) {
        String name = lastSegment(table);
        for (String t : input.tables()) {
            if (lastSegment(t).equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The table name without schema qualifier or identifier quotes. */
    private static String lastSegment(String table) {
        String t = table.replace("\"", "").replace("`", "");
        return t.substring(t.lastIndexOf('.') + 1);
    }
}
