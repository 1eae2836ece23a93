package io.schemashift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.schemashift.jdbc.ShiftConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The {@link java.sql.Driver} contract, on H2 (no configuration: pass-through). */
class SchemaShiftDriverTest {

    private final SchemaShiftDriver driver = new SchemaShiftDriver();

    @Test
    void registration_driverManagerFindsTheDriver() throws SQLException {
        assertThat(DriverManager.getDriver("jdbc:schemashift:h2:mem:reg")).isInstanceOf(SchemaShiftDriver.class);
    }

    @Test
    void acceptsURL_onlyOwnPrefix() {
        assertThat(driver.acceptsURL("jdbc:schemashift:h2:mem:a")).isTrue();
        assertThat(driver.acceptsURL("JDBC:SchemaShift:postgresql://h/db")).isTrue();
        assertThat(driver.acceptsURL("jdbc:h2:mem:a")).isFalse();
        assertThat(driver.acceptsURL(null)).isFalse();
    }

    @Test
    void connect_foreignUrl_returnsNull() throws SQLException {
        assertThat(driver.connect("jdbc:h2:mem:foreign", new Properties())).isNull();
    }

    @Test
    void connect_ownPropertiesStripped_restPassedThrough() throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", "sa");
        info.setProperty("password", "");
        info.setProperty("schemashift.unused", "x");

        try (Connection c =
                driver.connect("jdbc:schemashift:h2:mem:strip;schemashift.unused=y;MODE=PostgreSQL", info)) {
            assertThat(c).isInstanceOf(ShiftConnection.class);
            assertThat(c.getMetaData().getUserName()).isEqualToIgnoringCase("sa");
            assertThat(c.getMetaData().getURL()).doesNotContain("schemashift");
        }
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:h2:mem:strip2;schemashift.unused=y", "sa", ""))
                .as("H2 rejects a URL setting it does not know, so the URL above reached it without ours")
                .isInstanceOf(SQLException.class);
    }

    @Test
    void getPropertyInfo_realDriversPlusConfig() throws SQLException {
        DriverPropertyInfo[] info = driver.getPropertyInfo("jdbc:schemashift:h2:mem:p", new Properties());
        DriverPropertyInfo[] real = DriverManager.getDriver("jdbc:h2:mem:p").getPropertyInfo("jdbc:h2:mem:p", null);

        assertThat(info).hasSize(real.length + 1);
        assertThat(Arrays.stream(info).map(p -> p.name)).contains("schemashift.config");
        DriverPropertyInfo config = info[info.length - 1];
        assertThat(config.required).isFalse();
        assertThat(config.description).contains("classpath:");
        assertThat(driver.getPropertyInfo("jdbc:h2:mem:p", new Properties())).isEmpty();
    }

    @Test
    void versionsAndCompliance() {
        assertThat(driver.getMajorVersion()).isEqualTo(Version.MAJOR);
        assertThat(driver.getMinorVersion()).isEqualTo(Version.MINOR);
        assertThat(driver.jdbcCompliant()).isFalse();
    }

    @Test
    void getParentLogger_notJul() {
        assertThatThrownBy(driver::getParentLogger)
                .isInstanceOf(SQLFeatureNotSupportedException.class)
                .hasMessageContaining("SLF4J");
    }
}
