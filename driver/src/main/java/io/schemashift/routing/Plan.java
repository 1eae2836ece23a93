package io.schemashift.routing;

import io.schemashift.api.Side;
import io.schemashift.metrics.ShiftMetrics;

/**
 * Where one execution runs: on {@code primary}, whose result the application sees, and, for a
 * write, copied to {@code mirror} ({@code null}: not copied).
 */
public record Plan(Side primary, Side mirror) {

    /** The application's statement, unchanged, on the old side only. */
    public static final Plan OLD = new Plan(Side.OLD, null);

    static final Plan NEW = new Plan(Side.NEW, null);
    static final Plan OLD_THEN_NEW = new Plan(Side.OLD, Side.NEW);
    static final Plan NEW_THEN_OLD = new Plan(Side.NEW, Side.OLD);

    public ShiftMetrics.Route route() {
        if (mirror == null) {
            return primary == Side.OLD ? ShiftMetrics.Route.OLD : ShiftMetrics.Route.NEW;
        }
        return primary == Side.OLD ? ShiftMetrics.Route.OLD_AND_NEW : ShiftMetrics.Route.NEW_AND_OLD;
    }
}
