package io.schemashift.it.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.schemashift.SchemaShift;
import io.schemashift.SchemaShiftDataSource;
import io.schemashift.it.EveryPhase;
import io.schemashift.it.Operator;
import io.schemashift.it.PooledApplication;
import io.schemashift.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A MyBatis 3 application on PostgreSQL and MariaDB (annotated mappers over HikariCP, wrapped in a
 * {@link SchemaShiftDataSource}, no Spring), driven through every phase and one rollback by the
 * operator's CLI. MyBatis maps result columns to properties by their labels, opens every session
 * with auto-commit off, and builds SQL text from {@code ${…}} substitutions (an {@code ORDER BY}
 * column, a {@code LIKE} pattern and an {@code IN} list of literals: a new text each time), besides
 * {@code #{…}} parameters, a {@code <foreach>} list, generated keys of single and batched inserts
 * ({@code ExecutorType.BATCH}) and a rolled-back session.
 */
class MyBatisApplicationIT {

    /** The application's row: MyBatis fills it by column label. */
    public static class Customer {
        private Long id;
        private String name;
        private String email;
        private long version;

        public Customer() {}

        Customer(String name, String email) {
            this.name = name;
            this.email = email;
        }

        public Long getId() {
            return id;
        }

        public void setId(Long id) {
            this.id = id;
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

        public void setEmail(String email) {
            this.email = email;
        }

        public long getVersion() {
            return version;
        }

        public void setVersion(long version) {
            this.version = version;
        }
    }

    /** The application's mapper. */
    public interface CustomerMapper {

        @Insert("INSERT INTO customers (name, email, version) VALUES (#{name}, #{email}, 0)")
        @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
        int insert(Customer customer);

        @Select("SELECT id, name, email, version FROM customers WHERE id = #{id}")
        Customer byId(long id);

        @Select("SELECT id, name, email, version FROM customers WHERE email LIKE '${tag}%@${tag}.example'"
                + " ORDER BY ${orderBy}")
        List<Customer> byTag(@Param("tag") String tag, @Param("orderBy") String orderBy);

        @Select({
            "<script>SELECT id, name, email, version FROM customers WHERE id IN",
            "<foreach item='id' collection='ids' open='(' separator=',' close=')'>#{id}</foreach>",
            "ORDER BY id</script>"
        })
        List<Customer> byIds(@Param("ids") List<Long> ids);

        @Update("UPDATE customers SET name = #{name}, version = version + 1 WHERE id = #{id}")
        int rename(@Param("id") long id, @Param("name") String name);

        @Update("UPDATE customers SET version = version + 1 WHERE id IN (${ids})")
        int touchInline(@Param("ids") String ids);

        @Delete("DELETE FROM customers WHERE id = #{id}")
        int delete(long id);
    }

    @ParameterizedTest(name = "{0} separate={1}")
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true"})
    void myBatis_everyPhaseAndOneRollback_sidesEqualNoDivergence(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        PooledApplication db = PooledApplication.create(kind, "mybatis", separate);
        Path config = db.config();
        Operator operator = new Operator(db.server(), db.url(), config, "MyBatisApplicationIT");
        operator.ok("init");

        MeterRegistry registry = new SimpleMeterRegistry();
        SchemaShift.meterRegistry(registry);
        try (SchemaShiftDataSource dataSource = db.dataSource(config)) {
            Operator.awaitWritesAllowed(dataSource);
            Configuration configuration =
                    new Configuration(new Environment("it", new JdbcTransactionFactory(), dataSource));
            configuration.addMapper(CustomerMapper.class);
            Application app = new Application(new SqlSessionFactoryBuilder().build(configuration));

            EveryPhase.run(operator, dataSource, kind, registry, db.migration(), 1, db.newUrl(), app::run);
        } finally {
            SchemaShift.unbindMeterRegistry(registry);
        }
    }

    private static List<Long> reversed(List<Long> ids) {
        List<Long> copy = new ArrayList<>(ids);
        java.util.Collections.reverse(copy);
        return copy;
    }

    /** The application's data access, once per phase. */
    private record Application(SqlSessionFactory sessions) {

        void run(String tag) {
            List<Customer> added = new ArrayList<>();
            try (SqlSession session = sessions.openSession()) {
                CustomerMapper mapper = session.getMapper(CustomerMapper.class);
                for (int i = 0; i < 3; i++) {
                    Customer c = new Customer("Name " + tag + " " + i, tag + i + "@" + tag + ".example");
                    assertThat(mapper.insert(c)).isEqualTo(1);
                    added.add(c);
                }
                session.commit();
            }
            // a batch of inserts: MyBatis reads every row's generated key after executeBatch
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                CustomerMapper mapper = session.getMapper(CustomerMapper.class);
                for (int i = 3; i < 6; i++) {
                    Customer c = new Customer("Name " + tag + " " + i, tag + i + "@" + tag + ".example");
                    mapper.insert(c);
                    added.add(c);
                }
                session.flushStatements();
                session.commit();
            }
            List<Long> ids = added.stream().map(Customer::getId).toList();
            assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();

            try (SqlSession session = sessions.openSession()) {
                CustomerMapper mapper = session.getMapper(CustomerMapper.class);
                Customer first = mapper.byId(ids.get(0));
                assertThat(first.getName()).isEqualTo("Name " + tag + " 0");
                assertThat(first.getEmail()).isEqualTo(tag + "0@" + tag + ".example");

                assertThat(mapper.byTag(tag, "id DESC"))
                        .extracting(Customer::getId)
                        .containsExactlyElementsOf(reversed(ids));
                assertThat(mapper.byTag(tag, "name"))
                        .extracting(Customer::getName)
                        .isSorted();
                assertThat(mapper.byIds(ids.subList(1, 4)))
                        .extracting(Customer::getId)
                        .containsExactlyElementsOf(ids.subList(1, 4));

                // a string-built IN list, each phase a new text
                String inline = ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
                assertThat(mapper.touchInline(inline)).isEqualTo(ids.size());
                session.commit();
                assertThat(mapper.byIds(ids)).extracting(Customer::getVersion).containsOnly(1L);
            }
            // batched updates, one statement reused
            try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                CustomerMapper mapper = session.getMapper(CustomerMapper.class);
                for (Long id : ids) {
                    mapper.rename(id, "Renamed " + tag + " " + id);
                }
                assertThat(session.flushStatements()).singleElement().satisfies(r -> assertThat(r.getUpdateCounts())
                        .containsOnly(1));
                session.commit();
            }
            // a session rolled back: neither its insert nor its update stays
            try (SqlSession session = sessions.openSession()) {
                CustomerMapper mapper = session.getMapper(CustomerMapper.class);
                mapper.insert(new Customer("Doomed " + tag, tag + "@doomed.example"));
                mapper.rename(ids.get(0), "Doomed " + tag);
                session.rollback();
            }
            try (SqlSession session = sessions.openSession()) {
                CustomerMapper mapper = session.getMapper(CustomerMapper.class);
                assertThat(mapper.byTag(tag, "id"))
                        .extracting(Customer::getName)
                        .containsExactlyElementsOf(ids.stream()
                                .map(id -> "Renamed " + tag + " " + id)
                                .toList());
                assertThat(mapper.byId(ids.get(0)).getVersion()).isEqualTo(2L);
                assertThat(mapper.delete(ids.get(5))).isEqualTo(1);
                session.commit();
            }
        }
    }
}
