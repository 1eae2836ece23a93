package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random and mutated statements: the rewriter returns a result for every one and never throws. */
class FuzzTest {

    private static final List<String> SEEDS = List.of(
            "SELECT c.name, o.total FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.id = ? ORDER BY 1",
            "INSERT INTO customers(id, name, email) VALUES (?, ?, ?), (2, 'b', 'c') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
            "UPDATE customers SET name = ?, city = lower(?) WHERE id IN (1, 2) RETURNING name",
            "DELETE FROM customers WHERE id = ? /* c */ -- d",
            "WITH x AS (SELECT * FROM customers) SELECT * FROM x UNION SELECT * FROM customers");
    private static final String ALPHABET = "customers name id ( ) , ' \" ` ? $ * . ; - / # \n SELECT FROM WHERE = 1";

    @Test
    void rewrite_randomAndMutatedInput_neverThrows() {
        Random random = new Random(42);
        for (Dialect dialect : Dialect.values()) {
            Rewriter rewriter = Rewriter.builder(Fixtures.mapping(dialect), dialect)
                    .cacheBytes(0)
                    .build();
            for (int i = 0; i < 3_400; i++) {
                String sql = i % 2 == 0 ? mutate(SEEDS.get(random.nextInt(SEEDS.size())), random) : randomText(random);
                RewriteResult r = rewriter.rewrite(sql);
                assertThat(r).isNotNull();
                assertThat(r.fingerprint().hash()).hasSize(12);
                assertThat(r).isInstanceOfAny(Untouched.class, Rewritten.class, Refused.class);
            }
        }
    }

    private static String mutate(String seed, Random random) {
        StringBuilder s = new StringBuilder(seed);
        for (int m = random.nextInt(4); m >= 0; m--) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(3)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                default -> s.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
        }
        return s.toString();
    }

    private static String randomText(Random random) {
        String[] words = ALPHABET.split(" ");
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(30); i >= 0; i--) {
            s.append(words[random.nextInt(words.length)]).append(random.nextBoolean() ? " " : "");
        }
        return s.toString();
    }
}
