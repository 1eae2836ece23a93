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

    @Test
    void everyMirroredAndRecordedKind_isACheckOnlyRecord() {
        for (NonDeterminism nd : NonDeterminism.values()) {
            if (nd.mirroredAndRecorded()) {
                assertThat(ControlStore.CHECK_ONLY_REASONS)
                        .as(nd.name())
                        .contains(DivergenceReason.nondeterministic(nd).tag());
            }
        }
    }
}
