package dev.qjs;

import dev.qjs.internal.modules.ModuleChain;
import dev.qjs.internal.modules.TreeLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Finds the modules that scripts {@code import} and {@code require}, in two steps: {@link
 * #resolve} turns a specifier and the id of the importing module into the id of a module,
 * {@link #load} turns an id into its source. Loaders compose with {@link #orElse}.
 *
 * <pre>{@code
 * ModuleLoader loader = ModuleLoader.directory(Path.of("scripts"))         // ./lib/x.js, lib/x.js
 *     .orElse(ModuleLoader.webJars(App.class.getClassLoader()));         // 'dayjs', 'lodash-es'
 *
 * String id = loader.resolve("dayjs/plugin/utc", null, ModuleLoader.Kind.IMPORT);
 * // "webjar:dayjs@1.11.21/plugin/utc.js"
 * ModuleSource source = loader.load(id);  // its text, Format.COMMONJS
 * }</pre>
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@code resolve} returns null when the specifier is not this loader's business (a bare
 *       name it does not have, a relative specifier from another loader's module, a URL scheme
 *       it does not know); it throws {@link ModuleNotFoundException} when the specifier is
 *       recognisably its own but cannot be resolved, names a path outside its root, or is not
 *       valid. Resolving the same specifier from the same referrer gives the same id.
 *   <li>An id is absolute and stable: the same module always has the same id, whatever
 *       specifier led to it, and the engine evaluates each id once. Ids appear in error messages
 *       and stack traces. {@code load} returns null for an id that is not this loader's.
 *   <li>Implementations may be called from any thread; the ready-made ones are thread-safe.
 * </ul>
 *
 * <h2>The ready-made loaders</h2>
 *
 * <p>Their ids: {@link #ofMap} uses the normalized name ({@code lib/util.js}); {@link
 * #classpath} {@code classpath:} and the resource name ({@code classpath:scripts/lib/util.js});
 * {@link #directory} and {@link #nodeModules} the file's real absolute path; {@link #webJars}
 * {@code webjar:<package>@<version>/<file>} ({@code webjar:@popperjs/core@2.11.8/lib/index.js}).
 * Every one of them accepts its own ids as specifiers.
 *
 * <p>They share one resolution, Node's, with these choices: a relative specifier ({@code ./},
 * {@code ../}) is resolved against the importing module when that module is the loader's own
 * (or against the root for a top-level script), and is not the loader's business otherwise; a
 * backslash counts as a slash, as in URLs; files are probed with the extensions {@code .js},
 * {@code .mjs}, {@code .cjs}, {@code .json}, then as directories ({@code package.json}
 * {@code "main"}, then {@code index} with the same extensions), for {@code import} as for
 * {@code require}. Specifiers with a NUL character or longer than 4096 characters are refused,
 * as is every path that leaves the loader's root, through {@code ..}, an absolute path or a
 * symbolic link. See {@link ModuleSource} for how a file's format is decided.
 */
public interface ModuleLoader {
  /**
   * How a module is asked for: it selects export conditions and package entry points.
   *
   * <pre>{@code
   * loader.resolve("lodash-es", null, ModuleLoader.Kind.IMPORT);  // import … from 'lodash-es'
   * loader.resolve("./util", "/app/main.js", ModuleLoader.Kind.REQUIRE); // require('./util')
   * }</pre>
   */
  enum Kind {
    /**
     * An {@code import} statement or {@code import()}: export conditions {@code "import"},
     * {@code "module"}, {@code "default"}; a package's {@code "module"} field before
     * {@code "main"}.
     */
    IMPORT,
    /**
     * A {@code require(…)} call: export conditions {@code "require"}, {@code "default"}; a
     * package's {@code "main"} field.
     */
    REQUIRE
  }

  /**
   * The id of the module that {@code specifier} names when module {@code referrer} asks for it;
   * null when this loader does not know the specifier.
   *
   * @param specifier the specifier as written in the {@code import} or {@code require}
   * @param referrer the id of the importing module, or null for a top-level script
   * @param kind whether an {@code import} or a {@code require} asks
   * @return the module's id; null when the specifier is not this loader's business
   * @throws ModuleNotFoundException when the specifier is this loader's but cannot be resolved
   * @throws IOException when the files behind the loader cannot be read
   */
  @Nullable String resolve(String specifier, @Nullable String referrer, Kind kind) throws IOException;

  /**
   * The source of the module with this id; null when the id is not one this loader resolves.
   *
   * @param id an id that {@link #resolve} returned
   * @return the module's source; null when the id is not this loader's
   * @throws IOException when the module's file cannot be read, or is gone
   */
  @Nullable ModuleSource load(String id) throws IOException;

  /**
   * This loader, then {@code next}: the first loader that resolves a specifier wins, and an id
   * is loaded by the loader that resolved it. When a loader throws {@link
   * ModuleNotFoundException}, the next ones are still asked; the first such exception is thrown
   * if none resolves the specifier.
   *
   * @param next the loader asked when this one does not resolve a specifier
   * @return a loader that asks this loader, then {@code next}
   */
  default ModuleLoader orElse(ModuleLoader next) {
    return ModuleChain.of(this, Objects.requireNonNull(next, "next"));
  }

  /**
   * Modules held in memory, by name: {@code "main.js"}, {@code "lib/util.js"}. A name may be
   * asked for as written, with a leading {@code /}, or relative to the module importing it
   * ({@code ./util.js} from {@code lib/main.js}); extensions and {@code index} files are probed.
   * The map is copied.
   *
   * @param sources module texts by name
   * @return a loader over a copy of {@code sources}
   * @throws IllegalArgumentException when a name is empty, contains NUL, leaves the root
   *     through {@code ..}, or names the same module as another name ({@code a.js} and
   *     {@code ./a.js})
   * @throws NullPointerException when {@code sources} holds a null name or text
   */
  static ModuleLoader ofMap(Map<String, String> sources) {
    return TreeLoader.ofMap(sources);
  }

  /**
   * The resources below {@code root} on {@code loader}'s class path ({@code "scripts"}, or
   * {@code ""} for every resource): {@code import 'lib/x.js'} and {@code import '/lib/x.js'}
   * name {@code scripts/lib/x.js}; nothing above {@code root} can be reached.
   *
   * @param loader the class loader whose resources are read
   * @param root the resource folder that holds the modules; {@code ""} for all resources
   * @return a loader of the resources below {@code root}
   * @throws IllegalArgumentException when {@code root} climbs above the class path's root
   *     through {@code ..}, or contains NUL
   */
  static ModuleLoader classpath(ClassLoader loader, String root) {
    return TreeLoader.classpath(loader, root);
  }

  /**
   * The files below the directory {@code root}: {@code import 'lib/x.js'} and {@code import
   * './lib/x.js'} in a top-level script name {@code root/lib/x.js}; an absolute path is accepted
   * only inside the root. A path that leaves the root, by {@code ..}, an absolute path, a drive
   * letter or a symbolic link, is refused with {@link ModuleNotFoundException}.
   *
   * @param root the directory that holds the modules
   * @return a loader of the files below {@code root}
   * @throws IllegalArgumentException when {@code root} is not a readable directory
   */
  static ModuleLoader directory(Path root) {
    return TreeLoader.directory(root);
  }

  /**
   * Node's resolution in the project {@code projectDir}: relative and absolute paths inside it,
   * and packages in the {@code node_modules} directories from the importing module up to
   * {@code projectDir}, with {@code package.json} {@code "exports"} (subpaths, {@code *}
   * patterns, nested conditions), {@code "imports"} ({@code #name}), self-reference, {@code
   * "module"} (for {@link Kind#IMPORT}), {@code "main"} and {@code index} files, scoped
   * packages and deep imports. Paths leaving {@code projectDir} are refused as by {@link
   * #directory}. Not supported: built-in modules ({@code node:fs}: not this loader's
   * business), {@code NODE_PATH} and global folders, the {@code "browser"} field.
   *
   * @param projectDir the project's directory, the outermost that may hold {@code node_modules}
   * @return a loader with Node's resolution inside {@code projectDir}
   * @throws IllegalArgumentException when {@code projectDir} is not a readable directory
   */
  static ModuleLoader nodeModules(Path projectDir) {
    return TreeLoader.nodeModules(projectDir);
  }

  /**
   * npm packages from WebJars on {@code loader}'s class path: with {@code
   * org.webjars.npm:dayjs} in the build, {@code import dayjs from 'dayjs'} loads {@code
   * META-INF/resources/webjars/dayjs/<version>/} with the resolution of {@link #nodeModules}.
   * The version is read from the WebJar's {@code pom.properties} (group {@code
   * org.webjars.npm}, then {@code org.webjars}); a scoped package {@code @scope/name} is the
   * WebJar {@code scope__name}. A package's own imports of other packages are WebJars too.
   *
   * @param loader the class loader whose WebJars are read
   * @return a loader of the npm packages in WebJars on {@code loader}'s class path
   */
  static ModuleLoader webJars(ClassLoader loader) {
    return TreeLoader.webJars(loader);
  }
}
