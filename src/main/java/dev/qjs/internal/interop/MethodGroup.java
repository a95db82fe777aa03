package dev.qjs.internal.interop;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The public instance methods of one class with one name, as one runtime's scripts call them:
 * {@code list.size()}, {@code sb.append(x)}. Made once per class and name for a runtime (see
 * {@link HostMembers#methodGroup}); calls go through the methods' handles ({@link HostMethod}),
 * and the overload is not chosen again on every call:
 *
 * <ul>
 *   <li>when exactly one method can take that many arguments and it has a fixed arity, it is
 *       the one, and each argument is only converted (which also checks it);
 *   <li>otherwise the overload {@link Overloads#choose} picks is kept for the call's shape: per
 *       argument its class (null for null) and {@link ArgumentConverter#traits} — all that
 *       overload choice reads of an argument — so a call of the same shape gets the same
 *       overload. At most {@value #MAX_SHAPES} shapes are kept; calls of other shapes choose each
 *       time, as do calls with more than {@value #MAX_SHAPED_ARGUMENTS} arguments, a string where
 *       some overload takes an enum (the constant's name decides), and every call when an
 *       overload's varargs are arrays (laying their arguments out can fail for an overload not
 *       chosen).
 * </ul>
 *
 * <p>Results, exceptions and refusals are those of {@link Overloads#invokeBest} over the same
 * methods: a refusal is always made by it.
 */
final class MethodGroup {
  static final int MAX_SHAPES = 8;
  static final int MAX_SHAPED_ARGUMENTS = 8;

  private final Class<?> owner;
  private final String name;
  private final List<Method> candidates;
  private final HostMethod[] methods;
  /** Per number of arguments, the only method that takes that many, when it has a fixed arity. */
  private final @Nullable HostMethod[] soleByArity;
  private final boolean stringsNeedValue;
  private final boolean keepsShapes;
  private final ArgumentConverter converter;
  private final Overloads overloads;
  /** The shapes seen so far and their overloads; replaced whole, never changed. */
  private volatile Shape[] shapes = new Shape[0];

  /** A call shape and the overload chosen for it. */
  private record Shape(@Nullable Class<?>[] classes, long traits, HostMethod method) {
    boolean matches(@Nullable Object[] args, long argTraits) {
      if (traits != argTraits || classes.length != args.length) {
        return false;
      }
      for (int i = 0; i < args.length; i++) {
        Object a = args[i];
        if (classes[i] != (a == null ? null : a.getClass())) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * @param methods the class's methods of that name, in the order overload choice tries them
   *     (ties go to the earlier one), each with its handle
   */
  MethodGroup(Class<?> owner, String name, List<HostMethod> methods, ArgumentConverter converter, Overloads overloads) {
    this.owner = owner;
    this.name = name;
    this.methods = methods.toArray(new HostMethod[0]);
    this.candidates = methods.stream().map(m -> m.method).toList();
    this.converter = converter;
    this.overloads = overloads;
    int maxArity = 0;
    boolean enums = false;
    boolean arrayVarArgs = false;
    for (HostMethod m : this.methods) {
      maxArity = Math.max(maxArity, m.types.length);
      for (Class<?> t : m.types) {
        enums |= t.isEnum() || (t.isArray() && t.getComponentType().isEnum());
      }
      arrayVarArgs |= m.varArgs && m.types[m.types.length - 1].getComponentType().isArray();
    }
    this.stringsNeedValue = enums;
    this.keepsShapes = !arrayVarArgs;
    this.soleByArity = new HostMethod[maxArity + 1];
    for (int n = 0; n <= maxArity; n++) {
      HostMethod sole = null;
      int takers = 0;
      for (HostMethod m : this.methods) {
        int count = m.types.length;
        if (m.varArgs ? n >= count - 1 : n == count) {
          takers++;
          sole = m;
        }
      }
      soleByArity[n] = takers == 1 && sole != null && !sole.varArgs ? sole : null;
    }
  }

  String name() {
    return name;
  }

  /** The methods, in the order overload choice tries them. */
  List<Method> candidates() {
    return candidates;
  }

  /**
   * Calls the method of this name that fits the arguments best on target, an instance of the
   * class the group was made for: its result ({@link HostMembers#VOID} for a void method), what
   * it threw (unchanged when unchecked, as a {@link HostMembers.HostCallException} when
   * checked), or a {@link HostMembers.Refusal} when no overload accepts the arguments.
   */
  @Nullable Object invoke(Object target, @Nullable Object[] args) {
    if (target.getClass() != owner) {
      throw new IllegalArgumentException(
          "a " + target.getClass().getName() + " called with the methods of " + owner.getName());
    }
    int n = args.length;
    HostMethod sole = n < soleByArity.length ? soleByArity[n] : null;
    if (sole != null) {
      return sole.call(target, convertForSole(sole, args));
    }
    long traits = shapeTraits(args);
    if (traits >= 0) {
      for (Shape s : shapes) {
        if (s.matches(args, traits)) {
          HostMethod m = s.method;
          @Nullable Object[] laidOut = m.varArgs ? overloads.pack(m.method, args) : args;
          if (laidOut == null) {
            throw new IllegalStateException("the overload kept for a call shape refused it: " + m);
          }
          return m.call(target, overloads.convert(m.types, m.generic, laidOut));
        }
      }
    }
    Overloads.Choice choice = overloads.choose(candidates, args, name);
    HostMethod m = methods[candidates.indexOf(choice.method())];
    if (traits >= 0) {
      keep(args, traits, m);
    }
    return m.call(target, overloads.convert(m.types, m.generic, choice.arguments()));
  }

  /**
   * The arguments converted for the only method that takes that many; where one cannot be, the
   * refusal overload choice makes (it names the overloads) or else the conversion's own.
   */
  private @Nullable Object[] convertForSole(HostMethod sole, @Nullable Object[] args) {
    try {
      return overloads.convert(sole.types, sole.generic, args);
    } catch (HostMembers.Refusal conversion) {
      overloads.choose(candidates, args, name);
      throw conversion;
    }
  }

  /**
   * The arguments' traits, eight bits each, or -1 when this call's shape is not kept: too many
   * arguments, shapes not kept for this group, or a string where an enum may be taken.
   */
  private long shapeTraits(@Nullable Object[] args) {
    if (!keepsShapes || args.length > MAX_SHAPED_ARGUMENTS) {
      return -1;
    }
    long traits = 0;
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (stringsNeedValue && a instanceof String) {
        return -1;
      }
      traits |= (long) converter.traits(a) << (8 * i);
    }
    return traits;
  }

  private void keep(@Nullable Object[] args, long traits, HostMethod chosen) {
    Shape[] now = shapes;
    if (now.length >= MAX_SHAPES) {
      return;
    }
    @Nullable Class<?>[] classes = new Class<?>[args.length];
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      classes[i] = a == null ? null : a.getClass();
    }
    Shape[] next = Arrays.copyOf(now, now.length + 1);
    next[now.length] = new Shape(classes, traits, chosen);
    shapes = next; // a shape another thread kept meanwhile may be lost: it is only chosen again
  }

  /** How many call shapes are kept (for tests). */
  int shapesKept() {
    return shapes.length;
  }

  @Override
  public String toString() {
    return owner.getName() + "." + name + " (" + methods.length + " overloads)";
  }
}
