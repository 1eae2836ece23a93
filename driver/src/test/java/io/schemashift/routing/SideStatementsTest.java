package io.schemashift.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which statement a routed execution runs on: the application's own where it can, else one prepared for it. */
class SideStatementsTest {

    private static final String SQL = "UPDATE customers SET name = ? WHERE id = ?";

    private Connection app;
    private Connection other;
    private PreparedStatement own;

    @BeforeEach
    void open() throws Exception {
        app = DriverManager.getConnection("jdbc:h2:mem:side_statements;DB_CLOSE_DELAY=-1");
        other = DriverManager.getConnection("jdbc:h2:mem:side_statements");
        try (Statement s = app.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS customers (id INT PRIMARY KEY, name VARCHAR(20))");
            s.execute("CREATE TABLE IF NOT EXISTS clients (id INT PRIMARY KEY, full_name VARCHAR(20))");
        }
        own = app.prepareStatement(SQL);
    }

    @AfterEach
    void close() throws Exception {
        app.close();
        other.close();
    }

    @Test
    void theApplicationsStatement_runsItsOwnText_onItsConnection() throws Exception {
        SideStatements sides = new SideStatements(own, SQL, false);

        assertThat(sides.on(app, app, new String(SQL), false)).isSameAs(own);
    }

    @Test
    void anotherText_orKeysAskedDifferently_orAnotherConnection_getAStatementOfTheirOwn() throws Exception {
        SideStatements sides = new SideStatements(own, SQL, false);

        PreparedStatement withKeys = sides.on(app, app, SQL, true);
        PreparedStatement mirror = sides.on(app, app, "UPDATE clients SET full_name = ? WHERE id = ?", false);
        PreparedStatement elsewhere = sides.on(other, app, SQL, false);

        assertThat(withKeys).isNotSameAs(own);
        assertThat(mirror).isNotSameAs(own).isNotSameAs(withKeys);
        assertThat(elsewhere).isNotSameAs(own);
        assertThat(elsewhere.getConnection()).isSameAs(other);
        assertThat(sides.on(app, app, SQL, true)).as("cached").isSameAs(withKeys);
        elsewhere.close();
    }

    @Test
    void closingTheSideStatements_leavesTheApplicationsOpen() throws Exception {
        SideStatements sides = new SideStatements(own, SQL, true);
        PreparedStatement withKeys = sides.on(app, app, SQL, true);
        PreparedStatement plain = sides.on(app, app, SQL, false);

        sides.close();

        assertThat(withKeys).isSameAs(own);
        assertThat(own.isClosed()).isFalse();
        assertThat(plain.isClosed()).isTrue();
    }

    @Test
    void aPlainStatement_hasNoOwnStatement() throws Exception {
        SideStatements sides = new SideStatements();

        PreparedStatement ps = sides.on(app, app, SQL, false);

        assertThat(ps).isNotSameAs(own);
        sides.close();
        assertThat(ps.isClosed()).isTrue();
    }
}
