package io.schemashift.backfill.internal;

/** Argument checks shared by the builders of backfill and verify. */
public final class Args {

    private Args() {}

    /**
     * @throws IllegalArgumentException naming {@code what} if {@code value} is null
     */
    public static <T> T notNull(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return value;
    }
}
