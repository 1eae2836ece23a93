package io.schemashift.rewriter;

/** Thrown inside a rewrite to refuse it; caught in {@link Rewriter} and turned into {@link Refused}. */
final class Refusal extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final RefusalReason reason;

    Refusal(RefusalReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    static Refusal unsupported(String construct) {
        return new Refusal(RefusalReason.UNSUPPORTED_CONSTRUCT, construct + " is not supported");
    }
}
