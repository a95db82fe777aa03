package dev.qjs.internal.debug;

import java.util.List;

/**
 * A stopped engine. Every method may be called from any thread; inspection runs on the engine's
 * thread, which waits for it, and the caller waits for the answer. After the engine resumes,
 * every method but {@link #resume} throws {@link IllegalStateException}.
 *
 * <p>Inspection never runs JavaScript (no getter, proxy trap or {@code toString}) except {@link
 * #evaluate} and {@link #setVariable}, which run in the paused frame's scope with the engine's
 * limits suspended, and the expansion of an accessor, which runs its getter when asked. Values are rendered bounded (like debug mode's renderer); objects, arrays,
 * maps, sets and Java host objects get a variables reference that {@link #variables} expands.
 */
public interface PausedEngine {

  /**
   * Why the engine stopped.
   *
   * @return the reason
   */
  StopReason reason();

  /**
   * The thrown value, rendered, when the reason is {@link StopReason#EXCEPTION}.
   *
   * @return the text, or null for other reasons
   */
  @org.jspecify.annotations.Nullable
  String exceptionText();

  /**
   * The JavaScript frames, innermost first.
   *
   * @return the frames (never empty)
   */
  List<DebugFrame> frames();

  /**
   * The scopes of one frame: "Locals" (arguments and variables), "Closure", "this" and "Global".
   *
   * @param frame a frame's {@link DebugFrame#index}
   * @return the scopes, each with a variables reference
   */
  List<DebugScope> scopes(int frame);

  /**
   * The children of a scope or an expandable value. Getters are not run: an accessor property
   * shows as {@code [accessor]} of type {@code accessor}, and its reference's one child is its
   * value, the getter run then (bounded like an evaluation; a throw shows as the thrown value).
   *
   * @param reference a variables reference from this pause
   * @param start the first child (0 for all)
   * @param count how many at most (0 for all, bounded by the implementation)
   * @return the children
   */
  List<DebugVariable> variables(long reference, int start, int count);

  /**
   * Evaluates an expression in a frame's scope (watch, hover, debug console). Variables of the
   * frame that the expression assigns keep the new value.
   *
   * @param frame a frame's index
   * @param expression JavaScript
   * @return the value, named {@code expression}
   * @throws DebugEvaluationException what the expression threw, or a syntax error, as text
   */
  DebugVariable evaluate(int frame, String expression) throws DebugEvaluationException;

  /**
   * Sets a variable of a scope or a property of an expandable value.
   *
   * @param reference the scope's or value's variables reference
   * @param name the variable's or property's name
   * @param expression the new value, as JavaScript evaluated in the top frame
   * @return the variable as it now is
   * @throws DebugEvaluationException the expression failed or the variable cannot be set
   */
  DebugVariable setVariable(long reference, String name, String expression)
      throws DebugEvaluationException;

  /**
   * Lets the engine run on. Later calls do nothing.
   *
   * @param how continue or which step
   */
  void resume(Resume how);
}
