package io.schemashift.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.schemashift.SchemaShiftDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The published driver jar as an application sees it: its own classes, the relocated libraries
 * and nothing else; JSqlParser, SnakeYAML, Byte Buddy and JMH absent from the classpath; and the
 * driver working from the relocated copies (Byte Buddy generating wrappers, JSqlParser rewriting,
 * SnakeYAML reading the configuration).
 */
class ShadedJarIT {

    private static Path driverJar() throws Exception {
        Path jar = Path.of(SchemaShiftDriver.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        assertThat(jar.getFileName().toString())
                .as("failsafe runs against the packaged driver")
                .endsWith(".jar");
        return jar;
    }

    @Test
    void driverJar_classesOnlyUnderIoSchemashift() throws Exception {
        try (JarFile jar = new JarFile(driverJar().toFile())) {
            List<String> foreign = jar.stream()
                    .map(e -> e.getName())
                    .filter(n -> n.endsWith(".class") && !n.startsWith("io/schemashift/"))
                    .toList();
            assertThat(foreign).isEmpty();
            assertThat(jar.getEntry("io/schemashift/shaded/bytebuddy/ByteBuddy.class"))
                    .isNotNull();
            assertThat(jar.getEntry("io/schemashift/shaded/jsqlparser/parser/CCJSqlParserUtil.class"))
                    .isNotNull();
            assertThat(jar.getEntry("io/schemashift/shaded/snakeyaml/v2/api/Load.class"))
                    .isNotNull();
            Manifest manifest = jar.getManifest();
            assertThat(manifest.getMainAttributes().getValue("Automatic-Module-Name"))
                    .isEqualTo("io.schemashift.driver");
        }
    }

    // Byte Buddy is not in this list: AssertJ brings its own, which shows the two coexisting.
    @ParameterizedTest
    @ValueSource(
            strings = {
                "net.sf.jsqlparser.parser.CCJSqlParserUtil",
                "org.snakeyaml.engine.v2.api.Load",
                "org.openjdk.jmh.annotations.Benchmark",
                "joptsimple.OptionParser",
                "org.apache.commons.math3.util.FastMath"
            })
    void relocatedLibraries_notOnTheApplicationClasspath(String className) {
        assertThatThrownBy(() -> Class.forName(className)).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void publishedPom_keepsOnlyOrdinaryDependencies() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(Path.of("../driver/dependency-reduced-pom.xml").toFile());
        List<String> runtime = new ArrayList<>();
        NodeList dependencies = pom.getDocumentElement().getElementsByTagName("dependencies");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element list = (Element) dependencies.item(i);
            if (list.getParentNode() != pom.getDocumentElement()) {
                continue; // a plugin's dependencies
            }
            NodeList each = list.getElementsByTagName("dependency");
            for (int j = 0; j < each.getLength(); j++) {
                Element d = (Element) each.item(j);
                if (d.getParentNode() == list && !"test".equals(text(d, "scope"))) {
                    runtime.add(text(d, "artifactId"));
                }
            }
        }
        assertThat(runtime).containsExactlyInAnyOrder("HikariCP", "caffeine", "micrometer-core", "slf4j-api");
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    @Test
    void relocatedDriver_rewritesAndMirrorsOnH2() throws Exception {
        Path config = Files.createTempFile("schemashift-shaded", ".yaml");
        Files.writeString(
                config,
                """
                migration: shaded-jar
                tables:
                  customers:
                    to: clients
                    key: [id]
                    columns:
                      name: full_name
                phase: dual-write
                """);
        String url = "jdbc:schemashift:h2:mem:shaded;DB_CLOSE_DELAY=-1;schemashift.config=" + config;
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            assertThat(c.getClass().getName()).startsWith("io.schemashift.");
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50))");
            s.execute("CREATE TABLE clients (id INT PRIMARY KEY, full_name VARCHAR(50))");
        }
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'Ada')");
            try (ResultSet rs = s.executeQuery("SELECT full_name FROM clients WHERE id = 1")) {
                assertThat(rs.next())
                        .as("the insert was rewritten and mirrored")
                        .isTrue();
                assertThat(rs.getString(1)).isEqualTo("Ada");
            }
        }
    }
}
