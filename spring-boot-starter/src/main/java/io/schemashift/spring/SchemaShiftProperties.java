package io.schemashift.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code schemashift.*} in {@code application.yml}. The migration itself (mapping, phase, routing)
 * stays in the SchemaShift YAML file that {@link #getConfig()} names; see docs/configuration.md.
 */
@ConfigurationProperties(prefix = "schemashift")
public class SchemaShiftProperties {

    /** Whether to wrap the application's DataSource beans with SchemaShift. */
    private boolean enabled = true;

    /**
     * The SchemaShift configuration file: a path, file:... or classpath:... . Unset: the driver's
     * discovery chain (system property schemashift.config, SCHEMASHIFT_CONFIG, classpath:schemashift.yaml).
     */
    private String config;

    /**
     * This application's name in the heartbeat table and `schemashift status` (the instance id is
     * host:pid:app). Unset: spring.application.name.
     */
    private String appName;

    private final Metrics metrics = new Metrics();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getConfig() {
        return config;
    }

    public void setConfig(String config) {
        this.config = config;
    }

    public String getAppName() {
        return appName;
    }

    public void setAppName(String appName) {
        this.appName = appName;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /** {@code schemashift.metrics.*}. */
    public static class Metrics {

        /** Publish percentile histograms (_bucket series) for schemashift.side.latency. */
        private boolean latencyHistograms;

        public boolean isLatencyHistograms() {
            return latencyHistograms;
        }

        public void setLatencyHistograms(boolean latencyHistograms) {
            this.latencyHistograms = latencyHistograms;
        }
    }
}
