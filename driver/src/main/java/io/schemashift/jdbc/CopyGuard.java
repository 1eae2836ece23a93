package io.schemashift.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import io.schemashift.api.Side;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.routing.Plan;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.implementation.MethodDelegation;
import net.bytebuddy.implementation.bind.annotation.AllArguments;
import net.bytebuddy.implementation.bind.annotation.FieldValue;
import net.bytebuddy.implementation.bind.annotation.RuntimeType;
import net.bytebuddy.implementation.bind.annotation.SuperCall;

/**
 * pgjdbc's COPY API ({@code unwrap(PGConnection.class).getCopyAPI()}, what bulk loaders use) sends
 * its SQL on the real connection, past every statement SchemaShift wraps. What {@link
 * ShiftConnection#unwrap} hands out for an interface with {@code getCopyAPI} is a view of the
 * real connection whose {@code CopyManager} judges each COPY as the same SQL sent as a statement:
 * one that names a mapped table is a refused write (recorded while the old side holds the truth,
 * SQLState 0A000 from {@code new-primary} on), before it runs. The view's {@link Connection}
 * methods are the wrapper's, so statements made from it are routed as well.
 *
 * <p>Not on the hot path: reflection here costs once per unwrap or COPY.
 */
final class CopyGuard {

    /** Set on each generated {@code CopyManager} right after construction. */
    interface Guarded {
        void guard(CopyGuard guard);
    }

    private static final String COPY_API = "getCopyAPI";
    private static final AtomicInteger GENERATED = new AtomicInteger();

    /**
     * The generated subclass of each {@code CopyManager} class, defined beside this class (so it
     * needs pgjdbc visible from SchemaShift's class loader; where it is not, the COPY API fails).
     */
    private static final ClassValue<Class<?>> GUARDED = new ClassValue<>() {
        @Override
        protected Class<?> computeValue(Class<?> copyManager) {
            return new ByteBuddy()
                    .subclass(copyManager, ConstructorStrategy.Default.IMITATE_SUPER_CLASS_OPENING)
                    .name(CopyGuard.class.getName() + "$CopyManager" + GENERATED.incrementAndGet())
                    .defineField("guard", CopyGuard.class, Visibility.PRIVATE)
                    .implement(Guarded.class)
                    .intercept(FieldAccessor.ofField("guard"))
                    .method(named("copyIn")
                            .or(named("copyOut"))
                            .or(named("copyDual"))
                            .and(takesArgument(0, String.class)))
                    .intercept(MethodDelegation.to(CopyGuard.class))
                    .make()
                    .load(CopyGuard.class.getClassLoader(), ClassLoadingStrategy.UsingLookup.of(MethodHandles.lookup()))
                    .getLoaded();
        }
    };

    private final ShiftConnection connection;
    /** A COPY is running: pgjdbc's overloads call one another, and the outermost call judges. */
    private boolean running;

    private CopyGuard(ShiftConnection connection) {
        this.connection = connection;
    }

    /** Whether {@code iface} reaches pgjdbc's COPY API: what {@link #view} is for. */
    static boolean reachesCopy(Class<?> iface) {
        if (!iface.isInterface()) {
            return false;
        }
        try {
            iface.getMethod(COPY_API);
            return true;
        } catch (NoSuchMethodException no) {
            return false;
        }
    }

    /** {@code real} as {@code iface}: a COPY-judging, statement-routing view of it. */
    static <T> T view(ShiftConnection connection, Object real, Class<T> iface) {
        CopyGuard guard = new CopyGuard(connection);
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals(COPY_API) && method.getParameterCount() == 0) {
                return guard.copyManager(real);
            }
            Object target =
                    method.getDeclaringClass().isInstance(connection) && method.getDeclaringClass() != Object.class
                            ? connection
                            : real;
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return iface.cast(Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, handler));
    }

    private Object copyManager(Object real) throws SQLException {
        try {
            Object plain = real.getClass().getMethod(COPY_API).invoke(real);
            Class<?> guarded = GUARDED.get(plain.getClass());
            Object manager = guarded.getConstructors()[0].newInstance(real);
            ((Guarded) manager).guard(this);
            return manager;
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof SQLException s ? s : new SQLException("getCopyAPI failed", e.getCause());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            throw new SQLException("SchemaShift cannot guard this driver's COPY API", e);
        }
    }

    /** Every COPY method of a generated {@code CopyManager}: judged, then run on the real connection. */
    @RuntimeType
    static Object copy(@FieldValue("guard") CopyGuard guard, @AllArguments Object[] args, @SuperCall Callable<?> copy)
            throws SQLException, IOException {
        return guard.run((String) args[0], copy);
    }

    private Object run(String sql, Callable<?> copy) throws SQLException, IOException {
        if (running) {
            return call(copy);
        }
        RewriteResult result = connection.rewrite(sql);
        if (!result.tables().isEmpty() && connection.session.plan(result) != Plan.OLD) {
            throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error("a COPY through pgjdbc's CopyManager on " + result.tables()
                    + " runs on the old table alone and cannot be mirrored; send it as a statement (query "
                    + result.fingerprint().hash() + ")");
        }
        running = true;
        try {
            Object done = call(copy);
            connection.transaction.statementDone();
            return done;
        } catch (SQLException | IOException | RuntimeException e) {
            connection.transaction.primaryFailed(Side.OLD);
            throw e;
        } finally {
            running = false;
        }
    }

    private static Object call(Callable<?> copy) throws SQLException, IOException {
        try {
            return copy.call();
        } catch (SQLException | IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException(e);
        }
    }
}
