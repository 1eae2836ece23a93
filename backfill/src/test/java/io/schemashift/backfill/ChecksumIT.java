package io.schemashift.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.api.ConnectionSource;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import io.schemashift.verify.RowDifference;
import io.schemashift.verify.Verifier;
import io.schemashift.verify.VerifyReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Verify's chunk checksums on every dialect: equal values in other representations (a wider
 * decimal scale, NULLs) hash alike, and each small difference changes a chunk's checksum on its
 * own (with one-row chunks, a difference the checksum missed would not be reported at all): NULL
 * against an empty string both ways, a decimal's last digit, a derived column, and values swapped
 * between two rows of one chunk.
 */
class ChecksumIT {

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void checksum_equalValuesAlike_eachDifferenceCaught(TestDatabase.Kind kind) throws Exception {
        TestDatabase db = TestDatabases.of(kind);
        String url = db.create("ck_" + ProcessHandle.current().pid());
        ConnectionSource source = () -> db.connect(url);
        try (Connection c = db.connect(url)) {
            Schemas.createOld(c, kind);
            Schemas.createNew(c, kind);
            TestDatabases.run(
                    c,
                    "INSERT INTO customers (id, name, email, balance) VALUES (1, 'Ann', NULL, 5.50),"
                            + " (2, NULL, 'b@x', 0), (3, 'Bob', '', 1.25), (4, 'Cy', 'c@x', NULL),"
                            + " (5, 'Di', 'd@x', 2), (6, 'Ed', 'e@x', 3)");
        }
        Backfill.builder(Schemas.mapping(), Schemas.dialect(kind), source)
                .build()
                .run(List.of("customers"), false);
        Verifier verifier = Verifier.builder(Schemas.mapping(), Schemas.dialect(kind), source)
                .build();

        assertThat(verifier.verify("customers", 1).differences())
                .as("5.50 against 5.5000, NULL against NULL")
                .isZero();

        run(
                db,
                url,
                "UPDATE clients SET full_name = 'Di', name_search = 'di' WHERE id = 4",
                "UPDATE clients SET full_name = 'Cy', name_search = 'cy' WHERE id = 5");
        VerifyReport swapped = verifier.verify("customers", 100);
        assertThat(swapped.chunks()).isEqualTo(1);
        assertThat(columnsByKey(swapped))
                .as("rows 4 and 5 swapped their names in one chunk")
                .isEqualTo(Map.of(
                        "[\"4\"]", List.of("full_name", "name_search"),
                        "[\"5\"]", List.of("full_name", "name_search")));

        run(
                db,
                url,
                "UPDATE clients SET email = '' WHERE id = 1",
                "UPDATE clients SET balance = 0.0001 WHERE id = 2",
                "UPDATE clients SET email = NULL WHERE id = 3",
                "UPDATE clients SET name_search = 'ED' WHERE id = 6");
        VerifyReport found = verifier.verify("customers", 1);
        assertThat(found.chunksDiffering()).isEqualTo(6);
        assertThat(found.count(RowDifference.Kind.DIFFERENT)).isEqualTo(6);
        assertThat(columnsByKey(found))
                .containsEntry("[\"1\"]", List.of("email"))
                .containsEntry("[\"2\"]", List.of("balance"))
                .containsEntry("[\"3\"]", List.of("email"))
                .containsEntry("[\"6\"]", List.of("name_search"));
    }

    /** The differing columns of each reported row, lower case (H2 reports them upper case). */
    private static Map<String, List<String>> columnsByKey(VerifyReport report) {
        Map<String, List<String>> columns = new TreeMap<>();
        for (RowDifference d : report.rows()) {
            columns.put(d.key(), d.columns().stream().map(String::toLowerCase).toList());
        }
        return columns;
    }

    private static void run(TestDatabase db, String url, String... sql) throws SQLException {
        try (Connection c = db.connect(url)) {
            TestDatabases.run(c, sql);
        }
    }
}
