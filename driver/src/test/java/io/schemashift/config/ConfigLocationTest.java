package io.schemashift.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLocationTest {

    private static final ClassLoader EMPTY = new ClassLoader(null) {};

    @TempDir
    Path dir;

    @Test
    void chain_connectionPropertyFirst() throws Exception {
        Properties info = new Properties();
        info.setProperty("schemashift.config", "/from/property.yaml");

        var found =
                ConfigLocation.find(info, "/from/url.yaml", Map.of("SCHEMASHIFT_CONFIG", "/from/env.yaml")::get, EMPTY);

        assertThat(found.orElseThrow().description()).isEqualTo("/from/property.yaml");
    }

    @Test
    void chain_urlParameterBeforeEnvironment() throws Exception {
        var found = ConfigLocation.find(
                new Properties(), "file:/from/url.yaml", Map.of("SCHEMASHIFT_CONFIG", "/from/env.yaml")::get, EMPTY);

        assertThat(found.orElseThrow().file()).isEqualTo(Path.of("/from/url.yaml"));
    }

    @Test
    void chain_environment() throws Exception {
        var found = ConfigLocation.find(null, null, Map.of("SCHEMASHIFT_CONFIG", "/from/env.yaml")::get, EMPTY);

        assertThat(found.orElseThrow().description()).isEqualTo("/from/env.yaml");
    }

    @Test
    void chain_nothing_isPassThrough() throws Exception {
        assertThat(ConfigLocation.find(new Properties(), null, name -> null, EMPTY))
                .isEmpty();
    }

    @Test
    void chain_classpathDefault() throws Exception {
        Files.writeString(dir.resolve("schemashift.yaml"), "migration: cp\n");
        ClassLoader loader =
                new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, null);

        var found = ConfigLocation.find(new Properties(), null, name -> null, loader);

        assertThat(found.orElseThrow().load(new ConfigReader()).migration()).isEqualTo("cp");
    }

    @Test
    void missingFile_namesTheFile() throws Exception {
        ConfigLocation location = ConfigLocation.of(dir.resolve("nope.yaml").toString(), "test", EMPTY);

        assertThatThrownBy(location::read)
                .isInstanceOf(ConfigException.class)
                .hasMessage("SchemaShift configuration " + dir.resolve("nope.yaml") + ": file not found");
    }

    @Test
    void missingClasspathResource_namesIt() {
        assertThatThrownBy(() -> ConfigLocation.of("classpath:nope.yaml", "URL parameter schemashift.config", EMPTY))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("classpath:nope.yaml")
                .hasMessageContaining("no such resource");
    }
}
