package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyCodecTest {

    @Test
    void encode_compositeKey_jsonArrayOfStrings() {
        assertThat(KeyCodec.encode(List.of(7, 3L))).isEqualTo("[\"7\",\"3\"]");
        assertThat(KeyCodec.encode(List.of(new BigDecimal("1E+3")))).isEqualTo("[\"1000\"]");
        assertThat(KeyCodec.encode(List.of(new byte[] {1, (byte) 0xab}))).isEqualTo("[\"01ab\"]");
        assertThat(KeyCodec.encode(Arrays.asList("a", null))).isEqualTo("[\"a\",null]");
    }

    @Test
    void decode_encoded_roundTrips() {
        List<String> values = Arrays.asList("quote\" back\\slash", "tab\tnew\nline", null, "\u0001", "ü");
        assertThat(KeyCodec.decode(KeyCodec.encode(values))).isEqualTo(values);
        assertThat(KeyCodec.decode(" [ \"1\" , \"2\" ] ")).containsExactly("1", "2");
        assertThat(KeyCodec.decode("[]")).isEmpty();
    }

    @Test
    void decode_notAnArrayOfStrings_namesTheProblem() {
        assertThatThrownBy(() -> KeyCodec.decode("[1]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected '\"'");
        assertThatThrownBy(() -> KeyCodec.decode("[\"1\"] x")).hasMessageContaining("after the array");
        assertThatThrownBy(() -> KeyCodec.decode("[\"1\"")).hasMessageContaining("unexpected end");
        assertThatThrownBy(() -> KeyCodec.decode(null)).hasMessageContaining("null");
    }
}
