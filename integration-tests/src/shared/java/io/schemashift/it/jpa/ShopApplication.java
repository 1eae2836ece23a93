package io.schemashift.it.jpa;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A Spring Boot 4 application on Spring Data JPA, Hibernate 7 and Flyway, knowing nothing of SchemaShift. */
@SpringBootApplication
public class ShopApplication {}
