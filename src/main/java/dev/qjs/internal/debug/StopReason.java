package dev.qjs.internal.debug;

/** Why an engine stopped; the names are the protocol's stop reasons, upper-cased. */
public enum StopReason {
  /** A line breakpoint. */
  BREAKPOINT,
  /** A step ended. */
  STEP,
  /** A pause request. */
  PAUSE,
  /** A {@code debugger;} statement. */
  DEBUGGER_STATEMENT,
  /** A thrown value that the exception stops ask for. */
  EXCEPTION,
  /** The first statement of the engine's first script, when the client asked to stop there. */
  ENTRY
}
