package io.schemashift.invariant;

import io.schemashift.config.Phase;
import io.schemashift.testing.TestDatabase;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The invariant of {@link InvariantIT} over random workloads: inserts with and without keys,
 * multi-row, batches with a failing entry, upserts, updates, deletes, truncates, writes inside
 * queries, long statements, savepoints, rollbacks, transaction control as SQL and the same-named
 * table of another schema, in a random phase and mode: 200 tries on each database.
 * {@code -Dinvariant.scale=10} multiplies every try count
 * (see docs/testing.md).
 */
// propagated: a hook on a container applies to the container alone by default
@AddLifecycleHook(value = InvariantPropertiesIT.ScaledTries.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class InvariantPropertiesIT {

    /** A phase and a mode to run a workload in. */
    record Setup(boolean separate, Phase phase) {
        @Override
        public String toString() {
            return (separate ? "separate " : "same ") + phase;
        }
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void h2_randomWorkload_keepsInvariant(@ForAll("setups") Setup setup, @ForAll("shortWorkloads") List<Op> ops)
            throws Exception {
        check(TestDatabase.Kind.H2, setup, ops);
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void postgres_randomWorkload_keepsInvariant(@ForAll("setups") Setup setup, @ForAll("shortWorkloads") List<Op> ops)
            throws Exception {
        check(TestDatabase.Kind.POSTGRESQL, setup, ops);
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void mariadb_randomWorkload_keepsInvariant(@ForAll("setups") Setup setup, @ForAll("shortWorkloads") List<Op> ops)
            throws Exception {
        check(TestDatabase.Kind.MARIADB, setup, ops);
    }

    private static void check(TestDatabase.Kind kind, Setup setup, List<Op> ops) throws Exception {
        InvariantMigration m = InvariantMigration.shared(kind, setup.separate(), setup.phase());
        Palette palette = new Palette(m);
        List<Step> steps = new ArrayList<>();
        for (Op op : ops) {
            steps.addAll(op.steps(palette, m));
        }
        WorkloadRunner.Result r = WorkloadRunner.run(m, steps, false);
        try (InvariantChecker checker = new InvariantChecker(m)) {
            checker.assertNone(r.violations(), r.log());
        }
    }

    @AfterContainer
    static void closeMigrations() throws Exception {
        InvariantMigration.closeShared();
    }

    @Provide
    Arbitrary<Setup> setups() {
        return Combinators.combine(
                        Arbitraries.of(false, true), Arbitraries.of(EnumSet.complementOf(EnumSet.of(Phase.OLD_ONLY))))
                .as(Setup::new);
    }

    @Provide
    Arbitrary<List<Op>> shortWorkloads() {
        return op(true).list().ofMinSize(1).ofMaxSize(10);
    }

    private static Arbitrary<Op> op(boolean blocks) {
        List<Tuple.Tuple2<Integer, Op.Kind>> kinds = new ArrayList<>();
        for (Op.Kind k : Op.Kind.values()) {
            int weight =
                    switch (k) {
                        // Not inside transaction blocks: DDL commits, the other table's content is
                        // tracked per statement, and blocks do not nest.
                        case TRANSACTION, SQL_TRANSACTION -> 0;
                        case TRUNCATE, OTHER_SCHEMA_INSERT, OTHER_SCHEMA_DELETE, MOVED_INSERT -> blocks ? 2 : 0;
                        case SCHEMA_CHANGE -> blocks ? 1 : 0;
                        // About a second to parse: rare.
                        case LONG_INSERT -> blocks ? 1 : 0;
                        default -> 6;
                    };
            if (weight > 0) {
                kinds.add(Tuple.of(weight, k));
            }
        }
        Arbitrary<Integer> key = Arbitraries.integers().between(1, 40);
        Arbitrary<Integer> n = Arbitraries.integers().between(0, 11);
        Arbitrary<Op> single =
                Combinators.combine(Arbitraries.frequency(kinds), key, n).as(Op::of);
        if (!blocks) {
            return single;
        }
        Arbitrary<Op> block = Combinators.combine(
                        Arbitraries.of(Op.Kind.TRANSACTION, Op.Kind.SQL_TRANSACTION),
                        key,
                        n,
                        op(false).list().ofMinSize(1).ofMaxSize(5))
                .as(Op::new);
        return Arbitraries.frequencyOf(Tuple.of(6, single), Tuple.of(1, block));
    }

    /** Multiplies every property's tries by {@code -Dinvariant.scale} (default 1), for longer runs. */
    static final class ScaledTries implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            int scale = Integer.getInteger("invariant.scale", 1);
            context.attributes().tries().ifPresent(t -> context.attributes().setTries(t * scale));
            return property.execute();
        }
    }
}
