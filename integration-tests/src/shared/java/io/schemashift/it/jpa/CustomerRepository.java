package io.schemashift.it.jpa;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface CustomerRepository extends JpaRepository<Customer, Long> {

    /** SELECT … FOR UPDATE. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select c from Customer c where c.id = :id")
    Optional<Customer> lockById(@Param("id") Long id);

    /** By a column whose type changes on the new side: Hibernate binds the String as varchar. */
    Optional<Customer> findByRef(String ref);

    @Query(value = "SELECT * FROM customers WHERE email LIKE :pattern ORDER BY id", nativeQuery = true)
    List<Customer> findByEmailLike(@Param("pattern") String pattern);
}
