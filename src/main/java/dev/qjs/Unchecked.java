package dev.qjs;

import java.util.Objects;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * Runs a runtime call for a public method that cannot throw checked exceptions (a {@code Map},
 * {@code List} or mirror method): a script's failure reaches the caller as an
 * {@link UncheckedScriptException}.
 */
final class Unchecked {
  private Unchecked() {}

  /** A runtime call that may fail as a script fails. */
  @FunctionalInterface
  interface Call<T> {
    @Nullable T run() throws ScriptException, NoSuchMethodException;
  }

  /** A runtime call whose result is not needed. */
  @FunctionalInterface
  interface Action {
    void run() throws ScriptException;
  }

  /** The call's result; a missing function is reported as the ScriptException it causes. */
  static <T> @Nullable T get(Call<T> call) {
    try {
      return call.run();
    } catch (ScriptException e) {
      throw new UncheckedScriptException(e);
    } catch (NoSuchMethodException e) {
      throw new UncheckedScriptException(new ScriptException(e));
    }
  }

  /** The result of a call that never answers null (a boolean, a list, a map). */
  static <T> T getNonNull(Call<T> call) {
    return Objects.requireNonNull(get(call));
  }

  static void run(Action action) {
    try {
      action.run();
    } catch (ScriptException e) {
      throw new UncheckedScriptException(e);
    }
  }

  /**
   * The result of calling a function; a missing one is a {@code TypeError}, "name is not a
   * function" ("not a function" when {@code name} is null), as JavaScript reports it.
   */
  static <T> @Nullable T invoke(@Nullable String name, Call<T> call) {
    try {
      return call.run();
    } catch (ScriptException e) {
      throw new UncheckedScriptException(e);
    } catch (NoSuchMethodException e) {
      throw new UncheckedScriptException(
          Mirrors.typeError(name == null ? "not a function" : name + " is not a function"));
    }
  }
}
