package io.schemashift.it.boot3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an application that declares only the starter gets, resolved by Maven from the artifacts
 * as a release publishes them: the parent pom, the driver's shaded jar with the shade plugin's
 * dependency-reduced pom, the starter's jar and pom. They are put into a throw-away local
 * repository (never the build's own), a one-dependency application project is resolved there with
 * every other artifact taken from the build's local repository (a file mirror: no network), and
 * its {@code dependency:tree} must hold no JMH and no JSqlParser, SnakeYAML or Byte Buddy. (Inside
 * the reactor Maven hands downstream modules the driver's original pom, so a module's own tree
 * would not show what an application gets.)
 */
class StarterDependencyTreeIT {

    private static final String VERSION = "0.1.0-SNAPSHOT";
    /** The version this module's pom loads, so that the plugin is in the build's local repository. */
    private static final String TREE = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:tree";

    private static String tree;

    @BeforeAll
    static void resolveAnApplication() throws Exception {
        Path app = Files.createDirectories(Path.of("target/starter-app"));
        Path repo = app.resolve("repo");
        publish(repo, "schemashift-parent", Path.of("../pom.xml"), null);
        publish(
                repo,
                "schemashift-driver",
                Path.of("../driver/dependency-reduced-pom.xml"),
                Path.of("../driver/target/schemashift-driver-" + VERSION + ".jar"));
        publish(
                repo,
                "schemashift-spring-boot-starter",
                Path.of("../spring-boot-starter/pom.xml"),
                Path.of("../spring-boot-starter/target/schemashift-spring-boot-starter-" + VERSION + ".jar"));
        Files.writeString(
                app.resolve("settings.xml"),
                """
                <settings>
                  <mirrors>
                    <mirror><id>build-repository</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """
                        .formatted(buildRepository().toUri()));
        Files.writeString(
                app.resolve("pom.xml"),
                """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>shop</artifactId>
                  <version>1</version>
                  <dependencies>
                    <dependency>
                      <groupId>io.schemashift</groupId>
                      <artifactId>schemashift-spring-boot-starter</artifactId>
                      <version>%s</version>
                    </dependency>
                  </dependencies>
                </project>
                """
                        .formatted(VERSION));
        List<String> command = List.of(
                "mvn",
                "-B",
                "-q",
                "-s",
                "settings.xml",
                "-Dmaven.repo.local=" + repo.toAbsolutePath(),
                TREE,
                "-Dscope=runtime",
                "-DoutputFile=tree.txt");
        Process process = new ProcessBuilder(new ArrayList<>(command))
                .directory(app.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("mvn dependency:tree%n%s", output).isZero();
        tree = Files.readString(app.resolve("tree.txt"));
    }

    @Test
    void runtimeTree_starterBringsDriverAndOrdinaryDependenciesOnly() {
        List<String> lines = tree.lines().map(String::strip).toList();
        assertThat(lines)
                .anyMatch(l -> l.endsWith("io.schemashift:schemashift-spring-boot-starter:jar:" + VERSION + ":compile"))
                .anyMatch(l -> l.endsWith("io.schemashift:schemashift-driver:jar:" + VERSION + ":compile"))
                .anyMatch(l -> l.contains("com.zaxxer:HikariCP:jar:"))
                .anyMatch(l -> l.contains("com.github.ben-manes.caffeine:caffeine:jar:"))
                .anyMatch(l -> l.contains("io.micrometer:micrometer-core:jar:"))
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
    void runtimeTree_without(String artifact) {
        assertThat(tree).doesNotContain(artifact);
    }

    /** This module's own classpath, which excludes what the published driver pom does not list. */
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

    /** Puts an artifact into {@code repo} as {@code mvn install} would put it there. */
    private static void publish(Path repo, String artifact, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("io/schemashift/" + artifact + "/" + VERSION));
        Files.copy(pom, dir.resolve(artifact + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifact + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The build's local repository: where JUnit's jar was resolved from. */
    private static Path buildRepository() throws Exception {
        Path jar = Path.of(
                Test.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path repo = jar; // <repo>/org/junit/jupiter/junit-jupiter-api/<version>/<jar>
        for (int i = 0; i < 6; i++) {
            repo = repo.getParent();
        }
        return repo;
    }
}
