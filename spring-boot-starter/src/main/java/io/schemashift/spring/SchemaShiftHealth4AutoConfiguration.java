package io.schemashift.spring;

import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code schemashift} health component on Spring Boot 4 (spring-boot-health's API). */
@AutoConfiguration(after = SchemaShiftAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnProperty(prefix = "schemashift", name = "enabled", havingValue = "true", matchIfMissing = true)
public class SchemaShiftHealth4AutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "schemashiftHealthIndicator")
    HealthIndicator schemashiftHealthIndicator(ObjectProvider<DataSource> dataSources) {
        SchemaShiftStatus status = new SchemaShiftStatus(dataSources);
        return () -> {
            SchemaShiftStatus.Reading r = status.read();
            return (r.up() ? Health.up() : Health.down())
                    .withDetails(r.details())
                    .build();
        };
    }
}
