package dev.qjs.internal.interop;

import dev.qjs.internal.runtime.JsHandle;
import org.jspecify.annotations.Nullable;

/**
 * What {@code Java.extend(A, B, {methods})} gives a script: a type whose {@code new} makes a Java
 * object implementing the interfaces with the script's functions ({@link ScriptedInterfaces}).
 * {@code new T()} uses the methods given to {@code Java.extend}; {@code new T({…})} uses the
 * object given first and those methods for what it lacks. Not public: scripts see no member of
 * it, only its constructor.
 */
final class ExtendedType {
  private final Class<?>[] interfaces;
  private final @Nullable JsHandle methods;

  ExtendedType(Class<?>[] interfaces, @Nullable JsHandle methods) {
    this.interfaces = interfaces.clone();
    this.methods = methods;
  }

  /** {@code new T(…)}: an implementation of the interfaces. */
  Object construct(@Nullable Object[] args, ScriptedInterfaces scripted) {
    JsHandle instance = null;
    if (args.length > 0 && (args.length > 1 || args[0] != null)) {
      instance = scripted.implementation(args, toString());
    }
    if (instance == null && methods == null) {
      throw new HostMembers.Refusal("this Java.extend type was given no methods: construct it with"
          + " an object of them, new T({ name(…) {…} })");
    }
    return scripted.implement(interfaces, instance, methods);
  }

  @Override
  public String toString() {
    return "[JavaClass extending " + ScriptedInterfaces.names(interfaces) + "]";
  }
}
