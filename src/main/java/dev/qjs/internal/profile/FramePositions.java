package dev.qjs.internal.profile;

/**
 * Maps where a JavaScript function of a profile is (as QuickJS compiled it) to where its source
 * says it is; applied to every frame, and to the line of every sample, when a profile is decoded.
 * {@link #IDENTITY} keeps the positions; a source-map registry gives the original ones.
 */
@FunctionalInterface
public interface FramePositions {
  /** Keeps every position as it is. */
  FramePositions IDENTITY = p -> p;

  /** A position: file, 1-based line and column (0 when unknown), the function's name. */
  record Position(String file, int line, int column, String functionName) {}

  /** Where position p (in generated code) is in the original source; p itself when unknown. */
  Position map(Position p);
}
