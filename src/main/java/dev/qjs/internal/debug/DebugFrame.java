package dev.qjs.internal.debug;

/**
 * One JavaScript frame of a paused engine, where a source map says it is: compiled code with a
 * map shows its original file and line, and keeps where the engine runs it.
 *
 * @param index 0 for the innermost frame
 * @param function the function's name, {@code <anonymous>} or {@code <eval>} for top-level code
 * @param source the original file when a source map covers the position, else the script's
 *     {@code FILENAME} or module id
 * @param line 1-based line in {@code source}
 * @param column 1-based column in {@code source}
 * @param generatedSource the script's {@code FILENAME} or module id: the code the engine runs
 * @param generatedLine 1-based line in {@code generatedSource}
 */
public record DebugFrame(
    int index, String function, String source, int line, int column, String generatedSource, int generatedLine) {

  /**
   * A frame of code without a source map: shown where it runs.
   *
   * @param index 0 for the innermost frame
   * @param function the function's name
   * @param source the script's {@code FILENAME} or module id
   * @param line 1-based line
   * @param column 1-based column
   */
  public DebugFrame(int index, String function, String source, int line, int column) {
    this(index, function, source, line, column, source, line);
  }

  /**
   * Whether a source map moved this frame to an original position.
   *
   * @return true when {@link #source()}/{@link #line()} are not where the engine runs the code
   */
  public boolean mapped() {
    return !source.equals(generatedSource) || line != generatedLine;
  }
}
