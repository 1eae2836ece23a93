package io.schemashift.cli;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Every package of every module on the command line's class path imports in one direction. */
@AnalyzeClasses(
        packages = "io.schemashift",
        importOptions = {ImportOption.DoNotIncludeTests.class, ModulesTest.NotShaded.class})
class ModulesTest {

    @ArchTest
    static final ArchRule packagesFreeOfCycles =
            slices().matching("io.schemashift.(*)..").should().beFreeOfCycles();

    /** The libraries relocated into the driver jar are not ours to layer. */
    static final class NotShaded implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("/io/schemashift/shaded/");
        }
    }
}
