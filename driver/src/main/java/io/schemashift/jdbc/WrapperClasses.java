package io.schemashift.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isDefaultMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.io.InputStream;
import java.io.Reader;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Wrapper;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.modifier.TypeManifestation;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.MethodCall;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Generates, once per JVM, the concrete wrapper classes: each hand-written abstract wrapper
 * ({@link ShiftConnection}, {@link ShiftStatement}…) overrides only what it intercepts, and Byte
 * Buddy implements every remaining interface method (default methods included) as a plain call
 * on the {@code delegate} field. Methods that return a {@link ResultSet} (metadata queries and the
 * like) are generated as {@code wrap(delegate.method(args))}, so no raw result set escapes; {@code
 * unwrap} and {@code isWrapperFor} (unless hand-written) call {@link Wrappers}, and {@code toString} (unless
 * hand-written) is the delegate's. A prepared statement on mapped tables gets a second class
 * whose parameter setters also record what they bound ({@link #recordingConstructor}).
 *
 * <p>The generated code is ordinary bytecode (an interface call on a field), so the hot path has
 * no reflection. Instances are created through constructor {@link MethodHandle}s held in static
 * finals, which the JIT inlines.
 */
final class WrapperClasses {

    private static final Method OBJECT_TO_STRING;

    static {
        try {
            OBJECT_TO_STRING = Object.class.getMethod("toString");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private WrapperClasses() {}

    /**
     * The constructor of the generated subclass of {@code wrapper}, typed as the abstract class's
     * only constructor.
     */
    static MethodHandle constructor(Class<?> wrapper) {
        return constructor(wrapper, "$Generated", builder(wrapper));
    }

    /**
     * Like {@link #constructor(Class)}, for a prepared statement on mapped tables: each setter of
     * {@link PreparedStatement} also records its arguments in the wrapper's parameters ({@code
     * record(setter, args)}), or marks them as not replayable when the value is a stream or a
     * reader ({@code cannotReplay(name)}). Statements on other tables use the plain class, whose
     * setters only delegate.
     */
    static MethodHandle recordingConstructor(Class<? extends ShiftPreparedStatement> wrapper) {
        DynamicType.Builder<?> builder = builder(wrapper);
        for (Method setter : PreparedStatement.class.getDeclaredMethods()) {
            if (!isParameterSetter(setter)) {
                continue;
            }
            Class<?> value = setter.getParameterTypes()[1];
            MethodCall record = InputStream.class.isAssignableFrom(value) || Reader.class.isAssignableFrom(value)
                    ? MethodCall.invoke(declared(wrapper, "cannotReplay", String.class))
                            .with(setter.getName())
                    : MethodCall.invoke(declared(wrapper, "record", RecordedSetter.class, Object[].class))
                            .with(RecordedSetter.of(setter))
                            .withArgumentArray();
            builder = builder.method(named(setter.getName()).and(takesArguments(setter.getParameterTypes())))
                    .intercept(delegateCall().andThen(record));
        }
        return constructor(wrapper, "$Recording", builder);
    }

    private static Method declared(Class<?> wrapper, String name, Class<?>... parameters) {
        try {
            return wrapper.getDeclaredMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(wrapper.getSimpleName() + " must declare " + name, e);
        }
    }

    /** {@code setXxx(int parameterIndex, value…)}: a setter of a statement parameter. */
    private static boolean isParameterSetter(Method m) {
        return m.getName().startsWith("set")
                && m.getParameterCount() >= 2
                && m.getParameterTypes()[0] == int.class
                && !Modifier.isStatic(m.getModifiers());
    }

    /**
     * Every method the hand-written class left open delegates; those that return a result set
     * wrap it; the {@link java.sql.Wrapper} methods go to {@link Wrappers}; {@code toString}
     * (unless hand-written) is the delegate's.
     */
    private static DynamicType.Builder<?> builder(Class<?> wrapper) {
        DynamicType.Builder<?> builder = new ByteBuddy()
                .subclass(wrapper, ConstructorStrategy.Default.IMITATE_SUPER_CLASS_OPENING)
                .modifiers(Visibility.PACKAGE_PRIVATE, TypeManifestation.FINAL)
                .method(notHandWritten().and(returns(ResultSet.class)))
                .intercept(MethodCall.invoke(named("wrap").and(takesArguments(ResultSet.class)))
                        .withMethodCall(
                                MethodCall.invokeSelf().onField("delegate").withAllArguments()))
                .method(notHandWritten().and(not(returns(ResultSet.class))))
                .intercept(delegateCall())
                .method(named("unwrap").and(takesArguments(Class.class)).and(isAbstract()))
                .intercept(wrapperCall("unwrap"))
                .method(named("isWrapperFor").and(takesArguments(Class.class)).and(isAbstract()))
                .intercept(wrapperCall("isWrapperFor"));
        if (!declaresToString(wrapper)) {
            builder = builder.method(named("toString").and(takesArguments(0)))
                    .intercept(MethodCall.invoke(OBJECT_TO_STRING).onField("delegate"));
        }
        return builder;
    }

    /** A call of the static {@code Wrappers.name(this, delegate, iface)}. */
    private static Implementation wrapperCall(String name) {
        try {
            return MethodCall.invoke(Wrappers.class.getDeclaredMethod(name, Wrapper.class, Wrapper.class, Class.class))
                    .withThis()
                    .withField("delegate")
                    .withArgument(0)
                    .withAssigner(Assigner.DEFAULT, Assigner.Typing.DYNAMIC);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("Wrappers." + name, e);
        }
    }

    private static boolean declaresToString(Class<?> wrapper) {
        for (Class<?> c = wrapper; c != Object.class; c = c.getSuperclass()) {
            try {
                c.getDeclaredMethod("toString");
                return true;
            } catch (NoSuchMethodException notHere) {
                // look further up
            }
        }
        return false;
    }

    private static MethodHandle constructor(Class<?> wrapper, String suffix, DynamicType.Builder<?> builder) {
        Class<?> generated = builder.name(wrapper.getName() + suffix)
                .make()
                .load(wrapper.getClassLoader(), ClassLoadingStrategy.UsingLookup.of(lookup()))
                .getLoaded();
        try {
            var declared = wrapper.getDeclaredConstructors();
            if (declared.length != 1) {
                throw new IllegalStateException(wrapper + " must declare exactly one constructor");
            }
            MethodType type = MethodType.methodType(void.class, declared[0].getParameterTypes());
            return lookup().findConstructor(generated, type).asType(type.changeReturnType(wrapper));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct generated " + wrapper.getSimpleName(), e);
        }
    }

    /**
     * What the hand-written class left open: abstract methods, and interface default methods
     * (such as {@code executeLargeUpdate}), whose defaults would throw instead of delegating.
     */
    private static ElementMatcher.Junction<MethodDescription> notHandWritten() {
        return isAbstract().or(isDefaultMethod());
    }

    private static Implementation.Composable delegateCall() {
        // DYNAMIC typing casts the field to the method's interface: a PreparedStatement method
        // on ShiftPreparedStatement calls its Statement-typed delegate as a PreparedStatement.
        return MethodCall.invokeSelf()
                .onField("delegate")
                .withAllArguments()
                .withAssigner(Assigner.DEFAULT, Assigner.Typing.DYNAMIC);
    }

    private static MethodHandles.Lookup lookup() {
        return MethodHandles.lookup();
    }
}
