package io.schemashift.mirror;

import com.zaxxer.hikari.SQLExceptionOverride;
import io.schemashift.error.ShiftSqlState;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;

/**
 * A HikariCP exception override that keeps a connection when a call was only refused. HikariCP
 * takes SQLState 0A000 (feature not supported) for a broken connection and closes it at once, in
 * the middle of the application's transaction; but a driver's {@link
 * SQLFeatureNotSupportedException} (a read-only result set asked to change a row) and
 * SchemaShift's own refusals (a write it cannot mirror from {@code new-primary} on) leave the
 * connection sound. Any other 0A000 (PostgreSQL's "cached plan must not change result type") still
 * evicts.
 *
 * <p>SchemaShift's pools of a separate new database use it. An application whose own HikariCP pool
 * opens {@code jdbc:schemashift:} URLs can too: {@code
 * spring.datasource.hikari.exception-override-class-name=io.schemashift.mirror.KeepConnectionOnRefusal}.
 */
public final class KeepConnectionOnRefusal implements SQLExceptionOverride {

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        boolean refused = e instanceof SQLFeatureNotSupportedException
                || (e.getMessage() != null && e.getMessage().startsWith(ShiftSqlState.MESSAGE_PREFIX));
        return refused ? Override.DO_NOT_EVICT : Override.CONTINUE_EVICT;
    }
}
