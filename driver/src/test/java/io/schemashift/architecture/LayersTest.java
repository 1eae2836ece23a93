package io.schemashift.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The driver's packages import in one direction (docs/architecture.md): config and control at the
 * bottom, the side services (mirror, shadow) above them, routing above those, the JDBC wrappers on
 * top, and the runtime as the composition root that wires them. Shadow reads may use the mirror's
 * pieces (binding, the new database), never the reverse.
 */
@AnalyzeClasses(
        packages = "io.schemashift",
        importOptions = {ImportOption.DoNotIncludeTests.class, LayersTest.NotShaded.class})
class LayersTest {

    @ArchTest
    static final ArchRule packagesFreeOfCycles =
            slices().matching("io.schemashift.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule onlyTheRootKnowsTheRuntime = noClasses()
            .that()
            .resideOutsideOfPackages("io.schemashift.runtime..", "io.schemashift")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.schemashift.runtime..");

    @ArchTest
    static final ArchRule sideServicesKnowNoRouting = noClasses()
            .that()
            .resideInAnyPackage(
                    "io.schemashift.config..",
                    "io.schemashift.control..",
                    "io.schemashift.metrics..",
                    "io.schemashift.mirror..",
                    "io.schemashift.shadow..",
                    "io.schemashift.error..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.schemashift.routing..", "io.schemashift.jdbc..");

    @ArchTest
    static final ArchRule mirrorKnowsNoShadow = noClasses()
            .that()
            .resideInAPackage("io.schemashift.mirror..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.schemashift.shadow..");

    @ArchTest
    static final ArchRule routingKnowsNoWrappers = noClasses()
            .that()
            .resideInAPackage("io.schemashift.routing..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.schemashift.jdbc..");

    /** The libraries relocated into the driver jar are not ours to layer. */
    static final class NotShaded implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("/io/schemashift/shaded/");
        }
    }
}
