package io.schemashift.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.schemashift.runtime.InProcessDriver;

/**
 * Every package of every module on the command line's class path imports in one direction, and
 * the modules keep their boundaries: the API module needs nothing of ours, backfill needs the API
 * module and the rewriter but not the driver, the CLI reaches the driver's runtime only through
 * {@link InProcessDriver}, and the demo stays out of the production command line.
 */
@AnalyzeClasses(
        packages = "io.schemashift",
        importOptions = {ImportOption.DoNotIncludeTests.class, ModulesTest.NotShaded.class})
class ModulesTest {

    /** The packages of the driver module (the root package holds its Driver and DataSource). */
    static final String[] DRIVER = {
        "io.schemashift",
        "io.schemashift.config..",
        "io.schemashift.control..",
        "io.schemashift.coverage..",
        "io.schemashift.jdbc..",
        "io.schemashift.metrics..",
        "io.schemashift.mirror..",
        "io.schemashift.routing..",
        "io.schemashift.runtime..",
        "io.schemashift.shadow.."
    };

    @ArchTest
    static final ArchRule packagesFreeOfCycles =
            slices().matching("io.schemashift.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule api_dependsOnNothingOfOurs = classes()
            .that()
            .resideInAnyPackage("io.schemashift.api..", "io.schemashift.error..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("io.schemashift.api..", "io.schemashift.error..", "java..");

    @ArchTest
    static final ArchRule backfill_doesNotDependOnTheDriver = noClasses()
            .that()
            .resideInAnyPackage("io.schemashift.backfill..", "io.schemashift.verify..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(DRIVER);

    @ArchTest
    static final ArchRule cli_reachesTheRuntimeOnlyThroughItsFacade = noClasses()
            .that()
            .resideInAPackage("io.schemashift.cli..")
            .should()
            .dependOnClassesThat(resideInAnyPackage("io.schemashift.runtime..").and(not(type(InProcessDriver.class))));

    @ArchTest
    static final ArchRule cli_carriesNoDemo = noClasses().should().resideInAPackage("io.schemashift.demo..");

    /** The libraries relocated into the driver jar are not ours to layer. */
    static final class NotShaded implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("/io/schemashift/shaded/");
        }
    }
}
