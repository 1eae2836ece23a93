package io.schemashift.it.jpa;

import jakarta.persistence.EntityManagerFactory;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The application's transactions. */
@Service
public class ShopService {

    private final CustomerRepository customers;
    private final EntityManagerFactory entityManagerFactory;

    public ShopService(CustomerRepository customers, EntityManagerFactory entityManagerFactory) {
        this.customers = customers;
        this.entityManagerFactory = entityManagerFactory;
    }

    /** Inserts {@code n} customers in one transaction (IDENTITY keys). */
    @Transactional
    public List<Long> register(String tag, int n) {
        List<Customer> created = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            created.add(new Customer("Name " + tag + " " + i, tag + i + "@" + tag + ".example"));
        }
        return customers.saveAll(created).stream().map(Customer::getId).toList();
    }

    /** Renames every given customer in one transaction: Hibernate batches the UPDATEs. */
    @Transactional
    public void renameAll(List<Long> ids, String suffix) {
        for (Customer c : customers.findAllById(ids)) {
            c.setName(c.getName() + suffix);
        }
    }

    /** SELECT … FOR UPDATE, then an update in the same transaction. */
    @Transactional
    public void lockAndRename(long id, String name) {
        customers.lockById(id).orElseThrow().setName(name);
    }

    /** Inserts, then fails: the insert must be rolled back on both sides. */
    @Transactional
    public void registerThenFail(String tag) {
        customers.saveAndFlush(new Customer("Doomed " + tag, tag + "@doomed.example"));
        throw new IllegalStateException("rolled back on purpose");
    }

    /**
     * Hibernate's upsert ({@code StatelessSession.upsert}): a {@code MERGE} on PostgreSQL 15+, an
     * {@code ON DUPLICATE KEY UPDATE} on MariaDB.
     */
    public void upsertName(long id, String name) {
        try (StatelessSession session =
                entityManagerFactory.unwrap(SessionFactory.class).openStatelessSession()) {
            var tx = session.beginTransaction();
            Customer customer = session.get(Customer.class, id);
            customer.setName(name);
            session.upsert(customer);
            tx.commit();
        }
    }

    @Transactional
    public void remove(long id) {
        customers.deleteById(id);
    }
}
