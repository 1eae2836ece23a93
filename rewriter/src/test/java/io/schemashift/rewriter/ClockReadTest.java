package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClockReadTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "now()|INSTANT",
                "NOW( )|INSTANT",
                "CURRENT_TIMESTAMP|INSTANT",
                "current_timestamp(6)|INSTANT",
                "LOCALTIMESTAMP|INSTANT",
                "localtimestamp(3)|INSTANT",
                "statement_timestamp()|INSTANT",
                "CURRENT_DATE|DATE",
                "curdate()|DATE",
                "CURRENT_TIME|OTHER",
                "localtime|OTHER",
                "utc_timestamp()|OTHER",
                "'now'|",
                "now() + interval '1 day'|",
                "date_trunc('day', now())|",
                "gen_random_uuid()|",
                "0|",
                "current_user|"
            })
    void of_aBareCallOfTheClock(String expression, ClockRead read) {
        assertThat(ClockRead.of(expression)).isEqualTo(read);
    }
}
