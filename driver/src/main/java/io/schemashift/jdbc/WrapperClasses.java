package io.schemashift.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isDefaultMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.ResultSet;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.modifier.Visibility;
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
 * on the {@code delegate} field. Methods that return a {@link ResultSet} (metadata queries and the like) are generated
 * as {@code wrap(delegate.method(args))}, so no raw result set escapes.
 *
 * <p>The generated code is ordinary bytecode (an interface call on a field), so the hot path has
 * no reflection. Instances are created through constructor {@link MethodHandle}s held in static
 * finals, which the JIT inlines.
 */
final class WrapperClasses {

    private WrapperClasses() {}

    /**
     * The constructor of the generated subclass of {@code wrapper}, typed as the abstract class's
     * only constructor.
     */
    static MethodHandle constructor(Class<?> wrapper) {
        Class<?> generated = new ByteBuddy()
                .subclass(wrapper, ConstructorStrategy.Default.IMITATE_SUPER_CLASS_OPENING)
                .name(wrapper.getName() + "$Generated")
                .modifiers(Visibility.PACKAGE_PRIVATE, net.bytebuddy.description.modifier.TypeManifestation.FINAL)
                .method(notHandWritten().and(returns(ResultSet.class)))
                .intercept(MethodCall.invoke(named("wrap").and(takesArguments(ResultSet.class)))
                        .withMethodCall(
                                MethodCall.invokeSelf().onField("delegate").withAllArguments()))
                .method(notHandWritten().and(not(returns(ResultSet.class))))
                .intercept(delegateCall())
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

    private static Implementation delegateCall() {
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
