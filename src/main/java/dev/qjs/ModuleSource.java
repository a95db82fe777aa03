package dev.qjs;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The text of one module and how to run it: an ES module, a CommonJS module or a JSON document.
 * A {@link ModuleLoader} returns one from {@link ModuleLoader#load(String)}; immutable.
 *
 * <pre>{@code
 * ModuleSource esm = ModuleSource.esm("greet.js", "export const hi = () => 'hi'");
 * ModuleSource cjs = ModuleSource.commonJs("legacy.js", "module.exports = 42");
 * ModuleSource data = ModuleSource.json("config.json", "{\"debug\": true}");
 * ModuleSource.byExtension("lib.cjs", "exports.x = 1").format(); // COMMONJS
 * ModuleSource mapped = ModuleSource.esm("dist/app.js", compiled).withSourceMap(mapJson);
 * }</pre>
 *
 * <p>Source maps: a module whose text ends with a {@code //# sourceMappingURL=} comment (an
 * inline {@code data:} URL, or a URL relative to the module that its loader reads) reports
 * original positions in errors, stacks and profiles; {@link #withSourceMap(String)} gives the
 * map directly instead.
 *
 * <p>How the ready-made loaders choose the format: {@code .mjs} is ESM, {@code .cjs} CommonJS,
 * {@code .json} JSON. Any other file ({@code .js}, no extension) takes the {@code "type"} of the
 * nearest {@code package.json} above it ({@code "module"} or {@code "commonjs"}), as in Node.
 * When no {@code package.json} says, a file reached through a package's {@code "module"} field or
 * an {@code "import"}/{@code "module"} export condition is ESM, then the source decides, as in
 * Node 22: an {@code import}/{@code export} statement or {@code import.meta} makes it ESM, a
 * {@code require(…)}, {@code module.exports} or {@code exports.x} CommonJS. A file showing
 * neither is ESM in {@link ModuleLoader#ofMap}, {@link ModuleLoader#directory} and
 * {@link ModuleLoader#classpath} (scripts written for this engine), CommonJS in
 * {@link ModuleLoader#nodeModules} and {@link ModuleLoader#webJars} (Node's default).
 */
public final class ModuleSource {
  /**
   * How a module's text is run.
   *
   * <pre>{@code
   * ModuleSource settings = ModuleSource.of("settings", "{\"debug\": true}", ModuleSource.Format.JSON);
   * ModuleSource.byExtension("util.mjs", "export {}").format();  // Format.ESM
   * }</pre>
   */
  public enum Format {
    /** An ECMAScript module: {@code import}/{@code export}, strict, evaluated once. */
    ESM,
    /**
     * A CommonJS module: run as the body of {@code function (exports, require, module,
     * __filename, __dirname)}; what it leaves in {@code module.exports} is its value.
     */
    COMMONJS,
    /**
     * A JSON document: its parsed value is the module's value (the default export of an ES
     * import, the result of {@code require}). The text is not checked here.
     */
    JSON
  }

  private final String id;
  private final String text;
  private final Format format;
  private final @Nullable String sourceMap;

  private ModuleSource(String id, String text, Format format, @Nullable String sourceMap) {
    this.id = Objects.requireNonNull(id, "id");
    this.text = Objects.requireNonNull(text, "text");
    this.format = Objects.requireNonNull(format, "format");
    this.sourceMap = sourceMap;
  }

  /**
   * A module with the given format.
   *
   * @param id the module's id, as its loader resolved it
   * @param text the module's source text
   * @param format how the text is run
   * @return the source
   * @throws NullPointerException when an argument is null
   */
  public static ModuleSource of(String id, String text, Format format) {
    return new ModuleSource(id, text, format, null);
  }

  /**
   * The same module with its source map (ECMA-426 JSON, such as {@code tsc} or {@code esbuild}
   * write): errors, stacks and profiles then report positions in the original sources. It wins
   * over a {@code sourceMappingURL} comment in the text. A map that cannot be read never fails
   * the module: positions stay generated ones, and a warning says why once.
   *
   * @param mapJson the source map's JSON text
   * @return a new source
   */
  public ModuleSource withSourceMap(String mapJson) {
    return new ModuleSource(id, text, format, Objects.requireNonNull(mapJson, "mapJson"));
  }

  /**
   * The source map given with {@link #withSourceMap(String)}.
   *
   * @return its JSON text; null when none was given (a comment in the text may still name one)
   */
  public @Nullable String sourceMap() {
    return sourceMap;
  }

  /**
   * An ES module.
   *
   * @param id the module's id, as its loader resolved it
   * @param text the module's source text
   * @return the source, in {@link Format#ESM}
   * @throws NullPointerException when an argument is null
   */
  public static ModuleSource esm(String id, String text) {
    return new ModuleSource(id, text, Format.ESM, null);
  }

  /**
   * A CommonJS module.
   *
   * @param id the module's id, as its loader resolved it
   * @param text the module's source text
   * @return the source, in {@link Format#COMMONJS}
   * @throws NullPointerException when an argument is null
   */
  public static ModuleSource commonJs(String id, String text) {
    return new ModuleSource(id, text, Format.COMMONJS, null);
  }

  /**
   * A JSON module.
   *
   * @param id the module's id, as its loader resolved it
   * @param text the module's source text
   * @return the source, in {@link Format#JSON}
   * @throws NullPointerException when an argument is null
   */
  public static ModuleSource json(String id, String text) {
    return new ModuleSource(id, text, Format.JSON, null);
  }

  /**
   * A module whose format follows the id's extension alone: {@code .cjs} is CommonJS,
   * {@code .json} JSON, anything else ESM. Case does not matter ({@code .JSON}); the text and
   * any {@code package.json} are not looked at.
   *
   * @param id the module's id, as its loader resolved it
   * @param text the module's source text
   * @return the source, in the format of the id's extension
   * @throws NullPointerException when an argument is null
   */
  public static ModuleSource byExtension(String id, String text) {
    String lower = Objects.requireNonNull(id, "id").toLowerCase(Locale.ROOT);
    Format format =
        lower.endsWith(".cjs") ? Format.COMMONJS : lower.endsWith(".json") ? Format.JSON : Format.ESM;
    return new ModuleSource(id, text, format, null);
  }

  /**
   * The id this source was loaded for: the module's name in stack traces and
   * {@code import.meta.url}, and the referrer of the specifiers it imports.
   *
   * @return the id, never null
   */
  public String id() {
    return id;
  }

  /**
   * The module's text.
   *
   * @return the text, never null
   */
  public String text() {
    return text;
  }

  /**
   * How the text is run.
   *
   * @return the format, never null
   */
  public Format format() {
    return format;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ModuleSource m
        && m.id.equals(id)
        && m.format == format
        && m.text.equals(text)
        && Objects.equals(m.sourceMap, sourceMap);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, format, text);
  }

  /** The id, format and length, never the text. */
  @Override
  public String toString() {
    return "ModuleSource[" + id + ", " + format + ", " + text.length() + " chars]";
  }
}
