package io.schemashift.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.rewriter.Dialect;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which session time zones read a wall clock at UTC. */
class SessionSettingsTest {

    @ParameterizedTest
    @CsvSource({
        "UTC, true",
        "Etc/UTC, true",
        "GMT, true",
        "+00:00, true",
        "Z, true",
        "Asia/Tokyo, false",
        "Europe/London, false", // at UTC's offset in winter only
        "+05:00, false",
        "SYSTEM, false", // MariaDB's: the server's zone, not known here
        "<+00>+00, false"
    })
    void inUtc(String zone, boolean utc) {
        assertThat(new SessionSettings(Dialect.POSTGRESQL, List.of(zone, "ISO, MDY")).inUtc())
                .isEqualTo(utc);
    }

    @org.junit.jupiter.api.Test
    void inUtc_noZoneRead_not() {
        assertThat(new SessionSettings(Dialect.H2, List.of()).inUtc()).isFalse();
    }
}
