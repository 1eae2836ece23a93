package io.schemashift.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GeneratedKeysTest {

    private Connection h2;
    private Statement st;

    @BeforeEach
    void open() throws SQLException {
        h2 = DriverManager.getConnection("jdbc:h2:mem:");
        st = h2.createStatement();
    }

    @AfterEach
    void close() throws SQLException {
        h2.close();
    }

    /**
     * The keys are read by their labels; a lone key also from a lone column under another label
     * (MariaDB's {@code insert_id}), never from the first of several (PostgreSQL returns the whole
     * row, whose first column need not be the key): there the keys are unknown, and the rows stay
     * the application's.
     */
    @Test
    void keysReadByLabel_orFromALoneColumn_neverGuessed() throws SQLException {
        GeneratedKeys byLabel = GeneratedKeys.read(rows("SELECT 7 AS version, 500 AS entry_id"), List.of("ENTRY_ID"));
        assertThat(byLabel.named()).isTrue();
        assertThat(byLabel.get(0, 0)).isEqualTo(500);

        GeneratedKeys lone = GeneratedKeys.read(rows("SELECT 501 AS insert_id"), List.of("id"));
        assertThat(lone.named()).isTrue();
        assertThat(lone.get(0, 0)).isEqualTo(501);

        GeneratedKeys unnamed = GeneratedKeys.read(rows("SELECT 7 AS version, 502 AS entry_id"), List.of("id"));
        assertThat(unnamed.named()).isFalse();
        assertThat(unnamed.size()).isZero();
        try (ResultSet app = unnamed.forApplication(true, null)) {
            assertThat(app.next()).isTrue();
            assertThat(app.getInt("entry_id")).as("the application's keys").isEqualTo(502);
        }
    }

    private ResultSet rows(String sql) throws SQLException {
        return st.executeQuery(sql);
    }
}
