package io.schemashift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.schemashift.config.RedactedUrl;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShiftUrlTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            jdbc:schemashift:postgresql://h:5432/app                                         | jdbc:postgresql://h:5432/app                    |
            jdbc:schemashift:postgresql://h/app?sslmode=disable&schemashift.config=/a%20b.yaml | jdbc:postgresql://h/app?sslmode=disable        | /a b.yaml
            jdbc:schemashift:postgresql://h/app?schemashift.config=x.yaml                     | jdbc:postgresql://h/app                         | x.yaml
            jdbc:schemashift:mariadb://h:3306/app?schemashift.config=x.yaml&sslMode=disable   | jdbc:mariadb://h:3306/app?sslMode=disable       | x.yaml
            jdbc:schemashift:h2:mem:demo;DB_CLOSE_DELAY=-1;schemashift.config=classpath:d.yaml | jdbc:h2:mem:demo;DB_CLOSE_DELAY=-1            | classpath:d.yaml
            JDBC:SCHEMASHIFT:h2:mem:x                                                         | jdbc:h2:mem:x                                   |
            """)
    void parse_stripsOwnParameters(String url, String real, String config) throws SQLException {
        ShiftUrl parsed = ShiftUrl.parse(url);

        assertThat(parsed.realUrl()).isEqualTo(real);
        assertThat(parsed.parameters().get("schemashift.config")).isEqualTo(config);
    }

    @ParameterizedTest
    @CsvSource({
        "jdbc:postgresql://h/app",
        "jdbc:schemashift:",
        "jdbc:schemashift::x",
        "jdbc:schemashift:schemashift:h2:mem:x"
    })
    void parse_badUrl_sqlState08001(String url) {
        assertThatThrownBy(() -> ShiftUrl.parse(url))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"))
                .hasMessageContaining("jdbc:schemashift:");
    }

    @org.junit.jupiter.api.Test
    void redact_userInfoAndParameters_hidden() {
        assertThat(RedactedUrl.of("jdbc:mysql://app:s3cret@db:3306/shop?password=x"))
                .isEqualTo("jdbc:mysql://…@db:3306/shop?…")
                .doesNotContain("s3cret");
        assertThat(RedactedUrl.of("jdbc:postgresql://db:5432/app")).isEqualTo("jdbc:postgresql://db:5432/app");
        assertThat(RedactedUrl.of("jdbc:h2:mem:x;PASSWORD=y")).isEqualTo("jdbc:h2:mem:x?…");
    }
}
