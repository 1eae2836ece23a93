package io.schemashift.config;

/** A password or other secret: kept for the real driver, never printed. */
public final class Secret {

    private final String value;

    public Secret(String value) {
        this.value = value;
    }

    /** The secret itself, for handing to a real driver or pool only. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
