package io.schemashift.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.schemashift.SchemaShiftDataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Wraps the application's DataSource beans with SchemaShift and binds its meters to the
 * application's MeterRegistry. Off with {@code schemashift.enabled=false}. The wrapped DataSource
 * is closed with the context, which stops the migration runtime after writing out its queued
 * divergence records.
 */
@AutoConfiguration
@ConditionalOnClass(SchemaShiftDataSource.class)
@ConditionalOnProperty(prefix = "schemashift", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(SchemaShiftProperties.class)
public class SchemaShiftAutoConfiguration {

    @Bean
    static SchemaShiftDataSourcePostProcessor schemaShiftDataSourcePostProcessor(
            Environment environment, ObjectProvider<MeterRegistry> registries) {
        return new SchemaShiftDataSourcePostProcessor(environment, registries);
    }
}
