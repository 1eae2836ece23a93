package io.schemashift.it.boot3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an application that declares only the starter gets: this module's runtime dependency tree,
 * written by {@code dependency:tree} during the build from the poms as published (the driver's is
 * the shade plugin's dependency-reduced pom), holds no JMH and no JSqlParser, SnakeYAML or Byte
 * Buddy; the classes are not on the classpath either. (Hibernate brings its own Byte Buddy to the
 * test classpath, so Byte Buddy is checked in the runtime tree only.) An IT: before {@code package}
 * the reactor hands out the driver's classes and its unreduced pom.
 */
class StarterDependencyTreeIT {

    private static final String VERSION = "0.1.0-SNAPSHOT";

    private static String tree() throws Exception {
        return Files.readString(Path.of("target/runtime-dependency-tree.txt"));
    }

    @Test
    void runtimeTree_starterBringsDriverAndOrdinaryDependenciesOnly() throws Exception {
        List<String> lines = tree().lines().skip(1).map(String::strip).toList();
        assertThat(lines)
                .anyMatch(l -> l.endsWith("io.schemashift:schemashift-spring-boot-starter:jar:" + VERSION + ":compile"))
                .anyMatch(l -> l.endsWith("io.schemashift:schemashift-driver:jar:" + VERSION + ":compile"))
                .anyMatch(l -> l.contains("com.zaxxer:HikariCP:jar:6.3.3:compile"))
                .anyMatch(l -> l.contains("com.github.ben-manes.caffeine:caffeine:jar:3.2.2:compile"))
                .anyMatch(l -> l.contains("io.micrometer:micrometer-core:jar:1.15.5:compile"))
                .anyMatch(l -> l.contains("org.slf4j:slf4j-api:jar:"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "org.openjdk.jmh",
                "net.sf.jopt-simple",
                "org.apache.commons:commons-math3",
                "com.github.jsqlparser",
                "org.snakeyaml",
                "net.bytebuddy",
                "io.schemashift:schemashift-rewriter",
                "io.schemashift:schemashift-shadow-compare"
            })
    void runtimeTree_without(String artifact) throws Exception {
        assertThat(tree()).doesNotContain(artifact);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "net.sf.jsqlparser.parser.CCJSqlParserUtil",
                "org.snakeyaml.engine.v2.api.Load",
                "org.openjdk.jmh.annotations.Benchmark",
                "joptsimple.OptionParser",
                "org.apache.commons.math3.util.FastMath"
            })
    void classpath_without(String className) {
        assertThatThrownBy(() -> Class.forName(className)).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void driverJar_holdsRelocatedCopies() throws Exception {
        assertThat(Class.forName("io.schemashift.shaded.jsqlparser.parser.CCJSqlParserUtil"))
                .isNotNull();
        assertThat(Class.forName("io.schemashift.shaded.snakeyaml.v2.api.Load")).isNotNull();
        assertThat(Class.forName("io.schemashift.shaded.bytebuddy.ByteBuddy")).isNotNull();
    }
}
