package dev.qjs.internal.debug;

/** How a paused engine goes on. */
public enum Resume {
  /** Run until the next stop. */
  CONTINUE,
  /** Stop at the next line of this frame or of a frame it returns to. */
  STEP_OVER,
  /** Stop at the next line that runs, in any function. */
  STEP_IN,
  /**
   * Stop at the next line of the frame this one returns to; when it returns to Java, at the next
   * line of JavaScript that runs in this engine.
   */
  STEP_OUT
}
