package io.schemashift.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.SQLExceptionOverride.Override;
import io.schemashift.error.ShiftSqlState;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import org.junit.jupiter.api.Test;

class KeepConnectionOnRefusalTest {

    private final KeepConnectionOnRefusal override = new KeepConnectionOnRefusal();

    @Test
    void refusals_keepTheConnection() {
        assertThat(override.adjudicate(new SQLFeatureNotSupportedException("read-only result set", "0A000")))
                .isEqualTo(Override.DO_NOT_EVICT);
        assertThat(override.adjudicate(ShiftSqlState.FEATURE_NOT_SUPPORTED.error("refused write")))
                .isEqualTo(Override.DO_NOT_EVICT);
    }

    @Test
    void otherErrors_leftToHikari() {
        // PostgreSQL's "cached plan must not change result type" is 0A000 from the server: evict as HikariCP does
        assertThat(override.adjudicate(new SQLException("cached plan must not change result type", "0A000")))
                .isEqualTo(Override.CONTINUE_EVICT);
        assertThat(override.adjudicate(new SQLException("connection reset", "08006")))
                .isEqualTo(Override.CONTINUE_EVICT);
    }
}
