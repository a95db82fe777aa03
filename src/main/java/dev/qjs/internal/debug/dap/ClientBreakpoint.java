package dev.qjs.internal.debug.dap;

import dev.qjs.internal.debug.LineBreakpoint;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A line breakpoint as the client set it: its condition, hit condition and log message, which the
 * session applies when an engine stops at it, and how many times it was hit.
 */
final class ClientBreakpoint {
  final int id;
  final int line;
  final @Nullable String condition;
  final @Nullable HitCondition hitCondition;
  final @Nullable LogMessage logMessage;
  /** Why the breakpoint is not handed to the engines, or null when it is. */
  final @Nullable String error;
  /** Its index among the lines handed to the engines, or -1. */
  int engineIndex = -1;
  long hits;
  /** The resolution the client was last told of. */
  @Nullable LineBreakpoint shown;

  private ClientBreakpoint(int id, int line, @Nullable String condition,
      @Nullable HitCondition hitCondition, @Nullable LogMessage logMessage, @Nullable String error) {
    this.id = id;
    this.line = line;
    this.condition = condition;
    this.hitCondition = hitCondition;
    this.logMessage = logMessage;
    this.error = error;
  }

  /** Reads a {@code SourceBreakpoint}; an unusable one gets an error instead of failing. */
  static ClientBreakpoint of(int id, Fields f) throws RequestFailedException {
    int line = f.integer("line");
    String condition = f.optString("condition");
    if (condition != null && condition.isBlank()) {
      condition = null;
    }
    String hit = f.optString("hitCondition");
    String log = f.optString("logMessage");
    String error = line < 1 ? "line " + line + " is not a line (they start at 1)" : null;
    HitCondition hc = null;
    if (hit != null && !hit.isBlank()) {
      try {
        hc = HitCondition.parse(hit);
      } catch (RequestFailedException e) {
        error = e.getMessage();
      }
    }
    return new ClientBreakpoint(id, line, condition, hc,
        log == null ? null : LogMessage.parse(log), error);
  }

  /** The protocol's {@code Breakpoint} for this one, as {@code resolved} (null: not resolved). */
  Map<String, Object> json(@Nullable LineBreakpoint resolved) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    boolean verified = error == null && resolved != null && resolved.verified();
    m.put("verified", verified);
    m.put("line", resolved != null && error == null ? resolved.line() : line);
    if (error != null) {
      m.put("message", error);
    } else if (!verified) {
      m.put("message", "no code at this line is loaded yet");
    }
    return m;
  }
}
