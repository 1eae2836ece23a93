package io.schemashift.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.KeptAlike;
import java.sql.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whether two column types store a written value alike, from what each database's JDBC driver
 * reports for it ({@code DATA_TYPE}, {@code TYPE_NAME}, {@code COLUMN_SIZE}, {@code DECIMAL_DIGITS};
 * {@code -} for a {@code NULL}), as read on PostgreSQL 15 (pgjdbc 42.7), MariaDB 10.11 (Connector/J
 * 3.5) and H2 2.4.
 */
class ColumnTypeTest {

    @ParameterizedTest(name = "{0} {1}({2},{3}) / {4} {5}({6},{7}): {8}")
    @CsvSource({
        // exact numbers: the scale decides; integers keep none; a bare numeric keeps any
        "2, numeric, 10, 2, 2, numeric, 12, 4, true",
        "2, numeric, 10, 2, 2, numeric, 12, 2, false",
        "2, numeric, 10, 4, 2, numeric, 10, 2, true",
        "2, numeric, 0, -, 2, numeric, 10, 2, true",
        "2, numeric, 0, -, 2, numeric, 0, -, false",
        "4, int4, 10, 0, -5, int8, 19, 0, false",
        "4, int4, 10, 0, 2, numeric, 12, 0, false",
        "4, int4, 10, 0, 2, numeric, 12, 2, true",
        "3, DECIMAL, 10, 0, 4, INT, 10, 0, false",
        "2, NUMERIC, 10, 2, 2, DECFLOAT, 100000, 0, true",
        // floats: the width decides; an exact number and a float never agree
        "7, float4, 8, 8, 8, float8, 17, 17, true",
        "7, FLOAT, 12, -, 8, DOUBLE, 22, -, true",
        "8, DOUBLE, 22, -, 8, DOUBLE, 10, 2, true",
        "6, REAL, 24, 0, 7, REAL, 24, 0, false",
        "8, DOUBLE PRECISION, 53, 0, 6, FLOAT, 53, 0, false",
        "8, float8, 17, 17, 2, numeric, 12, 4, true",
        "4, int4, 10, 0, 8, float8, 17, 17, true",
        // fractional seconds; MariaDB gives them in the size only
        "93, timestamp, 29, 6, 93, timestamp, 22, 0, true",
        // a wall clock beside an instant: the session's time zone places one on the other
        "93, timestamp, 26, 3, 93, timestamptz, 32, 3, true",
        "93, DATETIME, 23, -, 93, DATETIME, 19, -, true",
        "93, DATETIME, 26, -, 93, TIMESTAMP, 26, -, false",
        "92, TIME, 13, -, 92, TIME, 10, -, true",
        "91, date, 13, 0, 93, timestamp, 29, 6, true",
        "93, TIMESTAMP, 26, 6, 2014, TIMESTAMP WITH TIME ZONE, 35, 6, true",
        "92, time, 15, 6, 92, timetz, 21, 6, true",
        "92, TIME, 15, 6, 2013, TIME WITH TIME ZONE, 21, 6, true",
        "92, timetz, 21, 6, 92, timetz, 21, 6, false",
        // text: CHAR pads to its length, VARCHAR keeps what it is given; lengths aside
        "1, bpchar, 5, 0, 12, varchar, 5, 0, true",
        "1, CHARACTER, 5, 0, 1, CHARACTER, 10, 0, true",
        "12, varchar, 20, 0, 12, varchar, 100, 0, false",
        "12, varchar, 20, 0, 2005, text, 2147483647, 0, false",
        // other families: doctor's errors, not a rounding
        "12, varchar, 20, 0, 4, int4, 10, 0, false",
        "16, bool, 1, 0, 4, int4, 10, 0, false",
        // text beside a type that rounds what it reads of it (PostgreSQL casts a text to the new type)
        "12, text, 2147483647, 0, 2, numeric, 10, 2, true",
        "12, varchar, 20, 0, 2, numeric, 0, -, false",
        "12, varchar, 30, 0, 93, timestamp, 22, 0, true",
        "12, varchar, 30, 0, 93, timestamp, 29, 6, false",
        "12, varchar, 30, 0, 91, date, 13, 0, false"
    })
    void storesApartFrom(
            int oldType,
            String oldName,
            int oldSize,
            String oldDigits,
            int newType,
            String newName,
            int newSize,
            String newDigits,
            boolean apart) {
        ColumnType old = new ColumnType(oldType, oldName, oldSize, digits(oldDigits));
        ColumnType neu = new ColumnType(newType, newName, newSize, digits(newDigits));
        assertThat(old.storesApartFrom(neu)).isEqualTo(apart);
        assertThat(neu.storesApartFrom(old)).as("either way").isEqualTo(apart);
    }

    @ParameterizedTest(name = "{0} {1}({2},{3}) / {4} {5}({6},{7}): {8} {9}")
    @CsvSource({
        "2, numeric, 10, 2, 2, numeric, 12, 4, DECIMALS, 2",
        "2, numeric, 0, -, 2, numeric, 10, 2, DECIMALS, 2",
        "4, int4, 10, 0, 2, numeric, 12, 2, DECIMALS, 0",
        "2, NUMERIC, 10, 2, 2, DECFLOAT, 100000, 0, DECIMALS, 2",
        "93, timestamp, 29, 6, 93, timestamp, 22, 0, SECOND_FRACTIONS, 0",
        "93, DATETIME, 23, -, 93, DATETIME, 26, -, SECOND_FRACTIONS, 3",
        "92, TIME, 13, -, 92, TIME, 10, -, SECOND_FRACTIONS, 0",
        "91, date, 13, 0, 93, timestamp, 29, 6, WHOLE_DAYS, 0",
        "93, timestamp, 26, 3, 93, timestamptz, 32, 6, UTC_WALL_CLOCK, 3",
        "93, TIMESTAMP, 26, 6, 2014, TIMESTAMP WITH TIME ZONE, 35, 6, UTC_WALL_CLOCK, 6",
        "93, timestamptz, 35, 6, 93, timestamptz, 32, 3, SECOND_FRACTIONS, 3",
        "92, time, 15, 6, 92, timetz, 18, 3, UTC_WALL_CLOCK, 3",
        "92, TIME, 15, 6, 2013, TIME WITH TIME ZONE, 21, 6, UTC_WALL_CLOCK, 6",
        "92, timetz, 21, 6, 92, timetz, 18, 3, SECOND_FRACTIONS, 3",
        "91, date, 13, 0, 93, timestamptz, 35, 6, NOTHING, 0",
        "7, float4, 8, 8, 8, float8, 17, 17, NOTHING, 0",
        "8, float8, 17, 17, 2, numeric, 12, 4, NOTHING, 0",
        "1, bpchar, 5, 0, 12, varchar, 5, 0, NOTHING, 0",
        "12, VARCHAR, 20, -, 12, VARCHAR, 8, -, FITTING, 0",
        "4, INT, 10, 0, 5, SMALLINT, 5, 0, FITTING, 0",
        "3, DECIMAL, 5, 2, 3, DECIMAL, 7, 2, FITTING, 0",
        "93, TIMESTAMP, 19, -, 93, DATETIME, 19, -, FITTING, 0",
        "12, text, 2147483647, 0, 2, numeric, 10, 2, DECIMALS, 2",
        "12, varchar, 30, 0, 93, timestamp, 23, 1, SECOND_FRACTIONS, 1"
    })
    void keptAlikeWith(
            int oldType,
            String oldName,
            int oldSize,
            String oldDigits,
            int newType,
            String newName,
            int newSize,
            String newDigits,
            KeptAlike.Measure measure,
            int keptDigits) {
        ColumnType old = new ColumnType(oldType, oldName, oldSize, digits(oldDigits));
        ColumnType neu = new ColumnType(newType, newName, newSize, digits(newDigits));
        assertThat(old.keptAlikeWith(neu)).isEqualTo(new KeptAlike(measure, keptDigits));
        assertThat(neu.keptAlikeWith(old)).as("either way").isEqualTo(new KeptAlike(measure, keptDigits));
    }

    /** Text against numbers or times orders apart ({@code '9' > '50'}); two texts, two numbers, or text and a bit, do not. */
    @Test
    void ordersApartFrom_textAgainstNumbersOrTimes() {
        ColumnType varchar = new ColumnType(Types.VARCHAR, "VARCHAR", 10, null);
        ColumnType integer = new ColumnType(Types.INTEGER, "INT", 10, 0);
        ColumnType date = new ColumnType(Types.DATE, "DATE", 10, null);
        assertThat(varchar.ordersApartFrom(integer)).isTrue();
        assertThat(integer.ordersApartFrom(varchar)).isTrue();
        assertThat(varchar.ordersApartFrom(date)).isTrue();
        assertThat(varchar.ordersApartFrom(new ColumnType(Types.CHAR, "CHAR", 10, null)))
                .isFalse();
        assertThat(integer.ordersApartFrom(new ColumnType(Types.BIGINT, "BIGINT", 19, 0)))
                .isFalse();
        assertThat(varchar.ordersApartFrom(new ColumnType(Types.BIT, "BIT", 1, null)))
                .isFalse();
    }

    @Test
    void keptAlikeWith_oneType_null() {
        ColumnType varchar = new ColumnType(Types.VARCHAR, "VARCHAR", 8, null);
        assertThat(varchar.keptAlikeWith(new ColumnType(Types.VARCHAR, "VARCHAR", 8, null)))
                .isNull();
    }

    @ParameterizedTest
    @CsvSource({
        "2, numeric, 10, 2, 'numeric(10,2)'",
        "2, numeric, 0, -, numeric",
        "4, int4, 10, 0, int4",
        "93, DATETIME, 26, -, DATETIME(6)",
        "93, timestamp, 29, 6, timestamp(6)",
        "1, bpchar, 5, 0, bpchar(5)",
        "12, varchar, 5, 0, varchar"
    })
    void shown(int type, String name, int size, String digits, String shown) {
        assertThat(new ColumnType(type, name, size, digits(digits)).shown()).isEqualTo(shown);
    }

    /** The type a derived column's source value is cast to: where the column rounds or cuts it, as each dialect names it. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL | 2 | numeric | 10 | 2 | numeric(10,2)",
                "POSTGRESQL | 2 | numeric | 0 | - | ",
                "POSTGRESQL | 2 | numeric | 5 | 0 | numeric(5,0)",
                "H2 | 2 | NUMERIC | 100000 | 0 | DECIMAL(100000,0)",
                "H2 | 2 | DECFLOAT | 100000 | 0 | ",
                "POSTGRESQL | 4 | int4 | 10 | 0 | ",
                "POSTGRESQL | 12 | varchar | 100 | 0 | ",
                "POSTGRESQL | 93 | timestamp | 29 | 0 | timestamp(0)",
                "POSTGRESQL | 93 | timestamptz | 35 | 3 | timestamptz(3)",
                "POSTGRESQL | 91 | date | 13 | 0 | date",
                "POSTGRESQL | 92 | time | 15 | 6 | time(6)",
                "MARIADB | 3 | DECIMAL | 10 | 2 | DECIMAL(10,2)",
                "MARIADB | 93 | DATETIME | 19 | - | DATETIME(0)",
                "MARIADB | 93 | TIMESTAMP | 23 | - | DATETIME(3)",
                "MARIADB | 8 | DOUBLE | 22 | - | ",
                "MARIADB | 91 | YEAR | 4 | - | ",
                "POSTGRESQL | 2 | money_amount | 10 | 2 | ",
                "H2 | 2 | NUMERIC | 10 | 2 | DECIMAL(10,2)",
                "H2 | 2014 | TIMESTAMP WITH TIME ZONE | 35 | 6 | TIMESTAMP(6) WITH TIME ZONE",
                "H2 | 93 | TIMESTAMP | 19 | 0 | TIMESTAMP(0)"
            })
    void castType(Dialect dialect, int type, String name, int size, String digits, String cast) {
        assertThat(new ColumnType(type, name, size, digits(digits)).castType(dialect))
                .isEqualTo(cast);
    }

    private static Integer digits(String reported) {
        return reported.equals("-") ? null : Integer.valueOf(reported);
    }
}
