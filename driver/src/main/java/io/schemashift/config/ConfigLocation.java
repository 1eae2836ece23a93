package io.schemashift.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * Where the configuration file is. Found by the chain of the spec, first match wins: connection
 * property {@code schemashift.config}, URL parameter {@code schemashift.config}, system property
 * {@code schemashift.config}, environment variable {@code SCHEMASHIFT_CONFIG}, then {@code
 * schemashift.yaml} on the classpath. A value is a path, {@code file:…} or {@code classpath:…}.
 *
 * @param description what users wrote, for messages ({@code /etc/app/schemashift.yaml})
 * @param file the file, when it is one (it can then be watched for changes)
 * @param resource the classpath resource, when it is one
 */
public record ConfigLocation(String description, Path file, URL resource) {

    /** The connection property, URL parameter and system property that names the file. */
    public static final String PROPERTY = "schemashift.config";
    /** The environment variable that names the file. */
    public static final String ENVIRONMENT = "SCHEMASHIFT_CONFIG";
    /** The file looked for on the classpath when nothing names one. */
    public static final String DEFAULT_RESOURCE = "schemashift.yaml";

    /**
     * Applies the discovery chain.
     *
     * @param connectionProperties the properties the application passed to {@code connect}
     * @param urlParameter the {@code schemashift.config} URL parameter, or {@code null}
     * @return empty when no configuration exists: SchemaShift is then a pure pass-through
     * @throws ConfigException if a location is named but cannot be found
     */
    public static Optional<ConfigLocation> find(
            Properties connectionProperties, String urlParameter, UnaryOperator<String> env, ClassLoader loader)
            throws ConfigException {
        String named = connectionProperties == null ? null : connectionProperties.getProperty(PROPERTY);
        String via = "connection property " + PROPERTY;
        if (named == null) {
            named = urlParameter;
            via = "URL parameter " + PROPERTY;
        }
        if (named == null) {
            named = System.getProperty(PROPERTY);
            via = "system property " + PROPERTY;
        }
        if (named == null) {
            named = env.apply(ENVIRONMENT);
            via = "environment variable " + ENVIRONMENT;
        }
        if (named != null && !named.isBlank()) {
            return Optional.of(of(named.trim(), via, loader));
        }
        URL onClasspath = loader.getResource(DEFAULT_RESOURCE);
        return onClasspath == null
                ? Optional.empty()
                : Optional.of(new ConfigLocation("classpath:" + DEFAULT_RESOURCE, null, onClasspath));
    }

    /**
     * The location {@code value} ({@code classpath:x.yaml}, {@code file:/x.yaml} or a path).
     *
     * @throws ConfigException if it names a classpath resource that does not exist
     */
    public static ConfigLocation of(String value, String via, ClassLoader loader) throws ConfigException {
        if (value.startsWith("classpath:")) {
            String name = value.substring("classpath:".length()).replaceFirst("^/", "");
            URL url = loader.getResource(name);
            if (url == null) {
                throw new ConfigException("SchemaShift configuration " + value + " (from " + via
                        + "): no such resource on the classpath");
            }
            return new ConfigLocation(value, null, url);
        }
        String path = value.startsWith("file:") ? value.substring("file:".length()) : value;
        return new ConfigLocation(path, Path.of(path).toAbsolutePath().normalize(), null);
    }

    /**
     * Reads the file's text.
     *
     * @throws ConfigException if it cannot be read
     */
    public String read() throws ConfigException {
        try {
            if (file != null) {
                return Files.readString(file, StandardCharsets.UTF_8);
            }
            try (InputStream in = resource.openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (NoSuchFileException e) {
            throw new ConfigException("SchemaShift configuration " + description + ": file not found");
        } catch (IOException e) {
            throw new ConfigException("SchemaShift configuration " + description + ": cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Reads and validates the configuration.
     *
     * @throws ConfigException if it cannot be read or is not valid
     */
    public MigrationConfig load(ConfigReader reader) throws ConfigException {
        return reader.read(description, read());
    }

    /** A key identifying the file within one JVM, so that every connection shares one runtime. */
    public String key() {
        return file != null ? file.toString() : resource.toString();
    }
}
