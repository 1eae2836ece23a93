package io.schemashift.rewriter;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The rewriter is a pure library: no JDBC, no other SchemaShift module. */
@AnalyzeClasses(packages = "io.schemashift.rewriter", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noJdbc = noClasses().should().dependOnClassesThat().resideInAPackage("java.sql..");

    @ArchTest
    static final ArchRule noOtherModules = noClasses()
            .should()
            .dependOnClassesThat(DescribedPredicate.describe(
                    "reside in io.schemashift outside io.schemashift.rewriter",
                    c -> c.getPackageName().startsWith("io.schemashift")
                            && !c.getPackageName().startsWith("io.schemashift.rewriter")));
}
