package io.schemashift.jdbc;

import java.sql.SQLException;
import java.sql.Wrapper;

/** The {@link Wrapper} contract shared by every SchemaShift JDBC wrapper. */
final class Wrappers {

    private Wrappers() {}

    /** {@code wrapper} itself when it implements {@code iface}, else the delegate or what it unwraps to. */
    static <T> T unwrap(Wrapper wrapper, Wrapper delegate, Class<T> iface) throws SQLException {
        if (iface.isInstance(wrapper)) {
            return iface.cast(wrapper);
        }
        if (iface.isInstance(delegate)) {
            return iface.cast(delegate);
        }
        return delegate.unwrap(iface);
    }

    static boolean isWrapperFor(Wrapper wrapper, Wrapper delegate, Class<?> iface) throws SQLException {
        return iface.isInstance(wrapper) || iface.isInstance(delegate) || delegate.isWrapperFor(iface);
    }

    /** A generated constructor cannot fail short of a bug or an out-of-memory condition. */
    static RuntimeException constructionFailed(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException("wrapper constructor failed", t);
    }
}
