package io.schemashift.mirror;

import io.schemashift.error.ShiftSqlState;
import io.schemashift.rewriter.ParamSource;
import io.schemashift.rewriter.SideStatement;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Fills a rewritten statement's parameters, for the mirror and for a shadow read alike. */
public final class Binder {

    private static final DateTimeFormatter UTC_WALL_CLOCK =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private Binder() {}

    /**
     * Binds every {@code ?} of {@code sql} from its source: the application's parameter, the
     * captured timestamp, or a key the primary generated (for the {@code row}-th statement of a batch,
     * keys of earlier entries are skipped by {@code keyOffset}).
     */
    public static void bind(
            PreparedStatement ps, SideStatement sql, Params params, Timestamp now, GeneratedKeys keys, int keyOffset)
            throws SQLException {
        List<ParamSource> sources = sql.params();
        for (int i = 0; i < sources.size(); i++) {
            ParamSource source = sources.get(i);
            if (source instanceof ParamSource.Bound b) {
                if (params == null) {
                    throw ShiftSqlState.PARAMETERS_MISSING.error("statement has parameters but none were bound");
                }
                params.bind(b.index(), ps, i + 1);
            } else if (source instanceof ParamSource.Now n) {
                if (n.form() == ParamSource.NowForm.UTC_TEXT) {
                    ps.setString(i + 1, UTC_WALL_CLOCK.format(now.toInstant()));
                } else {
                    ps.setTimestamp(i + 1, now);
                }
            } else if (source instanceof ParamSource.GeneratedKey g) {
                ps.setObject(i + 1, keys.get(keyOffset + g.row(), g.column()));
            } else if (source instanceof ParamSource.Literal) {
                throw ShiftSqlState.INTERNAL_ERROR.error("a literal cannot be bound");
            }
        }
    }
}
