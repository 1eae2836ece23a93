package io.schemashift.demo;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The demo on top of everything: the packages of every module, the demo's included, import in one
 * direction, and nothing but the demo uses the demo.
 */
@AnalyzeClasses(
        packages = "io.schemashift",
        importOptions = {ImportOption.DoNotIncludeTests.class, DemoModuleTest.NotShaded.class})
class DemoModuleTest {

    @ArchTest
    static final ArchRule packagesFreeOfCycles =
            slices().matching("io.schemashift.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule demo_usedByNothingElse = noClasses()
            .that()
            .resideOutsideOfPackage("io.schemashift.demo..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.schemashift.demo..");

    /** The libraries relocated into the driver jar are not ours to layer. */
    static final class NotShaded implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("/io/schemashift/shaded/");
        }
    }
}
