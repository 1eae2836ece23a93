package io.schemashift.compare;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns value hashes into keyed tokens (HMAC-SHA256, 16 hex digits), so a report shows which values are equal
 * without showing them. Without the key the tokens cannot be tested against guessed values. Not thread-safe: one per
 * comparison.
 */
final class Redactor {
    private static final String ALGORITHM = "HmacSHA256";
    private static final int TOKEN_BYTES = 8;

    private final Mac mac;

    Redactor(String configuredKey) {
        byte[] key = configuredKey == null ? ProcessKey.KEY : configuredKey.getBytes(StandardCharsets.UTF_8);
        try {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (GeneralSecurityException e) {
            // every Java platform must provide HmacSHA256
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }

    String token(long valueHash) {
        byte[] digest =
                mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(valueHash).array());
        return HexFormat.of().formatHex(digest, 0, TOKEN_BYTES);
    }

    /** A random key made once per process, on first use. */
    private static final class ProcessKey {
        static final byte[] KEY = new byte[32];

        static {
            new SecureRandom().nextBytes(KEY);
        }
    }
}
