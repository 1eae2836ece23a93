package io.schemashift.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.control.ControlStore;
import io.schemashift.rewriter.NonDeterminism;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DivergenceReasonTest {

    @Test
    void checkOnlyReasons_areReasonsTheDriverRecords() {
        assertThat(ControlStore.CHECK_ONLY_REASONS)
                .isSubsetOf(Arrays.stream(DivergenceReason.values())
                        .map(DivergenceReason::tag)
                        .toList());
    }

    /**
     * The mirrored and recorded kinds whose rows may still be alike are check-only records; a
     * one-sided trigger's rows differ wherever it changed something, and a value rounded apart's
     * wherever a type rounded it, so their records count.
     */
    @Test
    void mirroredAndRecordedKinds_areCheckOnlyRecords_butAOneSidedTriggersAndARoundedValues() {
        for (NonDeterminism nd : NonDeterminism.values()) {
            if (nd.mirroredAndRecorded()) {
                boolean checkOnly = ControlStore.CHECK_ONLY_REASONS.contains(
                        DivergenceReason.nondeterministic(nd).tag());
                assertThat(checkOnly)
                        .as(nd.name())
                        .isEqualTo(nd != NonDeterminism.ONE_SIDED_TRIGGER && nd != NonDeterminism.ROUNDS_APART);
            }
        }
    }
}
