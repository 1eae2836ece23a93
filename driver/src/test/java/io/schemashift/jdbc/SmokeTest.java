package io.schemashift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void passThrough_h2() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:schemashift:h2:mem:smoke")) {
            assertThat(c).isInstanceOf(ShiftConnection.class);
            c.createStatement().execute("create table t(id int primary key, v varchar(10))");
            PreparedStatement ps = c.prepareStatement("insert into t values (?, ?)");
            ps.setInt(1, 1);
            ps.setString(2, "a");
            assertThat(ps.executeUpdate()).isEqualTo(1);
            ResultSet rs = c.prepareStatement("select v from t").executeQuery();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("a");
            assertThat(rs.getStatement().getConnection()).isSameAs(c);
            ResultSet tables = c.getMetaData().getTables(null, null, "T", null);
            assertThat(tables).isInstanceOf(ShiftResultSet.class);
            assertThat(c.getMetaData().getConnection()).isSameAs(c);
        }
    }
}
