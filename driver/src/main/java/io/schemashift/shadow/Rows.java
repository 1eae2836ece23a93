package io.schemashift.shadow;

import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads rows the way the comparator expects them, the same way on both sides: {@code getObject}, with
 * {@code java.sql} date-time types as {@code java.time} values, LOBs as their content and arrays as
 * {@code Object[]}.
 */
final class Rows {
    /** LOB content beyond this many bytes or characters is not compared. */
    static final int MAX_LOB = 1 << 20;

    /** Labels and rows of one result, at most {@code maxRows + 1} rows. */
    record Result(List<String> labels, List<Object[]> rows) {}

    private Rows() {}

    static List<String> labels(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String> labels = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            labels.add(md.getColumnLabel(i));
        }
        return labels;
    }

    /** The current row's values. */
    static Object[] row(ResultSet rs, int width) throws SQLException {
        Object[] row = new Object[width];
        for (int i = 0; i < width; i++) {
            row[i] = value(rs.getObject(i + 1));
        }
        return row;
    }

    /** Reads a whole result, stopping one row past {@code maxRows} (which makes the comparison truncated). */
    static Result read(ResultSet rs, int maxRows) throws SQLException {
        List<String> labels = labels(rs);
        List<Object[]> rows = new ArrayList<>();
        while (rows.size() <= maxRows && rs.next()) {
            rows.add(row(rs, labels.size()));
        }
        return new Result(labels, rows);
    }

    static Object value(Object v) throws SQLException {
        if (v instanceof Timestamp t) {
            return t.toLocalDateTime();
        } else if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        } else if (v instanceof Time t) {
            return t.toLocalTime();
        } else if (v instanceof Blob b) {
            return b.getBytes(1, (int) Math.min(b.length(), MAX_LOB));
        } else if (v instanceof Clob c) {
            return c.getSubString(1, (int) Math.min(c.length(), MAX_LOB));
        } else if (v instanceof SQLXML x) {
            return x.getString();
        } else if (v instanceof Array a) {
            return elements(a.getArray());
        } else if (v instanceof Object[] a) {
            return elements(a);
        }
        return v;
    }

    private static Object[] elements(Object array) throws SQLException {
        int n = java.lang.reflect.Array.getLength(array);
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            out[i] = value(java.lang.reflect.Array.get(array, i));
        }
        return out;
    }
}
