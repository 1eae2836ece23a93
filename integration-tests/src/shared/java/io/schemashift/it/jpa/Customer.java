package io.schemashift.it.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * The application's entity, written against the old schema only. It does not map {@code
 * legacy_flag}, the column the migration drops: an application stops using a column before its
 * migration reaches new-only, where a read of it fails (0A000) rather than run on the old table.
 */
@Entity
@Table(name = "customers")
public class Customer {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String name;

    private String email;

    /** A reference kept as text in the old table and as a {@code uuid} in the new one (PostgreSQL). */
    private String ref;

    @Version
    private long version;

    protected Customer() {}

    public Customer(String name, String email) {
        this.name = name;
        this.email = email;
        this.ref = java.util.UUID.randomUUID().toString();
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getEmail() {
        return email;
    }

    public String getRef() {
        return ref;
    }

    public long getVersion() {
        return version;
    }
}
