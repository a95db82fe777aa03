package dev.qjs.internal.modules;

import dev.qjs.ModuleLoader;
import dev.qjs.ModuleNotFoundException;
import dev.qjs.ModuleSource;
import dev.qjs.ModuleSource.Format;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Node's module resolution over a {@link FileTree}, written once for every ready-made loader.
 * A "scripts" loader (map, directory, class path) reads a bare specifier as a path from the
 * root; a "packages" loader (node_modules, WebJars) reads it as an npm package, found by its
 * {@link PackageLocator}. See {@link ModuleLoader} for the choices made, {@link ModuleSource}
 * for the format rules.
 *
 * <p>One thing in one file, over 600 lines: one algorithm, Node's resolution (files, directories,
 * packages, the "exports" and "imports" maps, the format of what is found), whose steps call each
 * other; the trees and package.json files it reads are their own classes.
 */
public final class TreeLoader implements ModuleLoader {
  /** The longest specifier accepted. */
  public static final int MAX_SPECIFIER_LENGTH = 4096;

  private static final List<String> EXTENSIONS = List.of(".js", ".mjs", ".cjs", ".json");
  private static final Set<String> IMPORT_CONDITIONS = Set.of("import", "module", "default");
  private static final Set<String> REQUIRE_CONDITIONS = Set.of("require", "default");
  /** A URL scheme of two letters or more ({@code node:}, {@code classpath:}); one is a drive. */
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*", Pattern.DOTALL);
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:(/.*)?", Pattern.DOTALL);
  /** Segments a package.json target or pattern match may not have (Node's list). */
  private static final Pattern INVALID_SEGMENT =
      Pattern.compile("^(|\\.|\\.\\.|node_modules)$", Pattern.CASE_INSENSITIVE);
  /** Bounds the kept package.json files of an immutable tree. */
  private static final int MAX_CACHED_PACKAGE_FILES = 4096;

  /** Where the directories of an npm package may be, nearest first. */
  @FunctionalInterface
  interface PackageLocator {
    List<String> directories(String packageName, String fromDir) throws IOException;
  }

  private final FileTree tree;
  private final @Nullable PackageLocator packages;
  private final Format fallback;
  /** Files reached through a "module" field or an "import"/"module" condition. */
  private final Set<String> esmEntries = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<String, Optional<PackageJson>> packageFiles = new ConcurrentHashMap<>();

  private TreeLoader(FileTree tree, @Nullable PackageLocator packages, Format fallback) {
    this.tree = tree;
    this.packages = packages;
    this.fallback = fallback;
  }

  /** Bare specifiers are paths from the root; a file showing no format is ESM. */
  static TreeLoader scripts(FileTree tree) {
    return new TreeLoader(tree, null, Format.ESM);
  }

  /** Bare specifiers are npm packages; a file showing no format is CommonJS. */
  static TreeLoader packages(FileTree tree, PackageLocator locator) {
    return new TreeLoader(tree, locator, Format.COMMONJS);
  }

  public static ModuleLoader ofMap(Map<String, String> sources) {
    return scripts(new MapTree(sources));
  }

  public static ModuleLoader classpath(ClassLoader loader, String root) {
    return scripts(new ClasspathTree(loader, root));
  }

  public static ModuleLoader directory(Path root) {
    return scripts(new DirectoryTree(root));
  }

  public static ModuleLoader nodeModules(Path projectDir) {
    return packages(new DirectoryTree(projectDir), TreeLoader::nodeModulesDirectories);
  }

  public static ModuleLoader webJars(ClassLoader loader) {
    WebJarTree tree = new WebJarTree(loader);
    return packages(tree, (name, fromDir) -> tree.packageDirectories(name));
  }

  /** {@code dir/node_modules/name} for {@code fromDir} and each directory above it. */
  private static List<String> nodeModulesDirectories(String name, String fromDir) {
    List<String> dirs = new ArrayList<>();
    for (String dir = fromDir; ; dir = TreePath.parent(dir)) {
      if (!TreePath.name(dir).equals("node_modules")) {
        dirs.add(TreePath.child(TreePath.child(dir, "node_modules"), name));
      }
      if (dir.isEmpty()) {
        return dirs;
      }
    }
  }

  /**
   * Refuses a specifier no loader should see: empty, longer than {@link #MAX_SPECIFIER_LENGTH},
   * or holding a NUL character.
   */
  public static void check(String specifier, @Nullable String referrer) throws ModuleNotFoundException {
    Objects.requireNonNull(specifier, "specifier");
    String problem =
        specifier.isEmpty()
            ? "an empty specifier is not valid"
            : specifier.length() > MAX_SPECIFIER_LENGTH
                ? "a specifier may not be longer than " + MAX_SPECIFIER_LENGTH + " characters"
                : specifier.indexOf('\0') >= 0 ? "a specifier may not contain a NUL character" : null;
    if (problem != null) {
      throw new ModuleNotFoundException(specifier, referrer, problem, List.of());
    }
  }

  @Override
  public @Nullable String resolve(String specifier, @Nullable String referrer, Kind kind) throws IOException {
    check(specifier, referrer);
    Objects.requireNonNull(kind, "kind");
    Attempt a = new Attempt(specifier, referrer, kind);
    Target found;
    try {
      found = resolve(a);
    } catch (RootEscapeException e) {
      throw a.refused(e.getMessage());
    } catch (PackageJson.InvalidException e) {
      throw a.notFound(Objects.requireNonNull(e.getMessage()));
    }
    if (found == null) {
      return null;
    }
    String path;
    try {
      path = tree.canonical(found.path);
    } catch (RootEscapeException e) {
      throw a.refused(e.getMessage());
    }
    if (found.esm) {
      esmEntries.add(path);
    }
    return tree.id(path);
  }

  @Override
  public @Nullable ModuleSource load(String id) throws IOException {
    Objects.requireNonNull(id, "id");
    String path = tree.path(id);
    if (path == null) {
      return null;
    }
    String text = tree.read(path);
    if (text == null) {
      throw new NoSuchFileException(id, null, "the module's file is gone");
    }
    return ModuleSource.of(id, text, format(path, text));
  }

  private Format format(String path, String text) throws IOException {
    switch (TreePath.extension(path)) {
      case ".mjs":
        return Format.ESM;
      case ".cjs":
        return Format.COMMONJS;
      case ".json":
        return Format.JSON;
      default:
        break;
    }
    Scope scope = packageScope(TreePath.parent(path));
    String type = scope == null ? null : scope.json.type();
    if ("module".equals(type)) {
      return Format.ESM;
    }
    if ("commonjs".equals(type)) {
      return Format.COMMONJS;
    }
    if (esmEntries.contains(path)) {
      return Format.ESM;
    }
    switch (SourceSyntax.detect(text)) {
      case ESM:
        return Format.ESM;
      case COMMONJS:
        return Format.COMMONJS;
      default:
        return fallback;
    }
  }

  // ---- resolution ----

  /** A path found, and whether an ESM-only entry point led to it. */
  private static final class Target {
    final String path;
    final boolean esm;

    Target(String path, boolean esm) {
      this.path = path;
      this.esm = esm;
    }

    Target esm() {
      return esm ? this : new Target(path, true);
    }
  }

  /** One resolution: what was asked, and what was tried. */
  private final class Attempt {
    final String specifier;
    final @Nullable String referrer;
    final Kind kind;
    final List<String> tried = new ArrayList<>();

    Attempt(String specifier, @Nullable String referrer, Kind kind) {
      this.specifier = specifier;
      this.referrer = referrer;
      this.kind = kind;
    }

    void tried(String path) {
      tried.add(tree.id(path));
    }

    Set<String> conditions() {
      return kind == Kind.IMPORT ? IMPORT_CONDITIONS : REQUIRE_CONDITIONS;
    }

    String conditionList() {
      return kind == Kind.IMPORT ? "\"import\", \"module\", \"default\"" : "\"require\", \"default\"";
    }

    ModuleNotFoundException notFound(String reason) {
      return new ModuleNotFoundException(specifier, referrer, reason, tried);
    }

    ModuleNotFoundException refused(@Nullable String reason) {
      return new ModuleNotFoundException(specifier, referrer, "refused: " + reason, tried);
    }
  }

  private static boolean isRelative(String spec) {
    return spec.equals(".") || spec.equals("..") || spec.startsWith("./") || spec.startsWith("../");
  }

  private static RootEscapeException climbs(FileTree tree) {
    return new RootEscapeException("the path climbs above " + tree.describeRoot());
  }

  private @Nullable Target resolve(Attempt a) throws IOException {
    String spec = a.specifier.replace('\\', '/');
    String referrerPath = a.referrer == null ? null : tree.path(a.referrer);
    boolean foreign = a.referrer != null && referrerPath == null;
    String fromDir = referrerPath == null ? "" : TreePath.parent(referrerPath);

    if (isRelative(spec)) {
      if (foreign || (referrerPath == null && !tree.hasRootFiles())) {
        return null; // relative to another loader's module, or to a root that holds no modules
      }
      String path = TreePath.join(fromDir, spec);
      if (path == null) {
        throw climbs(tree);
      }
      return required(fileOrDirectory(path, spec.endsWith("/"), a), a);
    }
    if (spec.startsWith("/") || DRIVE.matcher(spec).matches() || spec.regionMatches(true, 0, "file:", 0, 5)) {
      String path = tree.absolute(spec);
      if (path == null) {
        return null;
      }
      return required(fileOrDirectory(path, spec.endsWith("/"), a), a);
    }
    if (SCHEME.matcher(spec).matches()) {
      String path = tree.path(a.specifier); // one of this tree's ids, or not its business
      return path == null ? null : required(fileOrDirectory(path, false, a), a);
    }
    if (packages == null) {
      String path = TreePath.join("", spec);
      if (path == null) {
        throw climbs(tree);
      }
      return path.isEmpty() ? null : fileOrDirectory(path, spec.endsWith("/"), a);
    }
    if (spec.startsWith("#")) {
      return packageImports(spec, fromDir, a);
    }
    return packageResolve(spec, fromDir, a);
  }

  private static Target required(@Nullable Target t, Attempt a) throws ModuleNotFoundException {
    if (t == null) {
      throw a.notFound("no such file");
    }
    return t;
  }

  private @Nullable Target fileOrDirectory(String path, boolean directoryOnly, Attempt a) throws IOException {
    if (!directoryOnly) {
      Target file = file(path, a);
      if (file != null) {
        return file;
      }
    }
    return directory(path, a);
  }

  /** The file itself, then with each extension. */
  private @Nullable Target file(String path, Attempt a) throws IOException {
    if (path.isEmpty()) {
      return null;
    }
    if (isFile(path, a)) {
      return new Target(path, false);
    }
    for (String ext : EXTENSIONS) {
      if (isFile(path + ext, a)) {
        return new Target(path + ext, false);
      }
    }
    return null;
  }

  private boolean isFile(String path, Attempt a) throws IOException {
    a.tried(path);
    return tree.isFile(path);
  }

  /** A directory: its package.json "module" (for import) and "main", then its index file. */
  private @Nullable Target directory(String dir, Attempt a) throws IOException {
    PackageJson json = packageJson(TreePath.child(dir, "package.json"));
    if (json != null) {
      if (a.kind == Kind.IMPORT && json.module() != null) {
        Target t = entry(dir, json.module(), a);
        if (t != null) {
          return t.esm();
        }
      }
      if (json.main() != null) {
        Target t = entry(dir, json.main(), a);
        if (t != null) {
          return t;
        }
      }
    }
    return index(dir, a);
  }

  private @Nullable Target entry(String dir, String field, Attempt a) throws IOException {
    String path = TreePath.join(dir, field.replace('\\', '/'));
    if (path == null) {
      throw climbs(tree);
    }
    Target t = file(path, a);
    return t != null ? t : index(path, a);
  }

  private @Nullable Target index(String dir, Attempt a) throws IOException {
    for (String ext : EXTENSIONS) {
      String path = TreePath.child(dir, "index" + ext);
      if (isFile(path, a)) {
        return new Target(path, false);
      }
    }
    return null;
  }

  /** A bare specifier: {@code name} or {@code @scope/name}, then an optional subpath. */
  private @Nullable Target packageResolve(String spec, String fromDir, Attempt a) throws IOException {
    int slash = spec.indexOf('/');
    if (spec.startsWith("@")) {
      if (slash < 2 || slash == spec.length() - 1 || spec.charAt(slash + 1) == '/') {
        throw a.notFound("'" + spec + "' is not a valid package name: a scoped name is @scope/name");
      }
      slash = spec.indexOf('/', slash + 1);
    }
    String name = slash < 0 ? spec : spec.substring(0, slash);
    if (name.startsWith(".") || name.contains("%") || name.contains(":")) {
      throw a.notFound("'" + name + "' is not a valid package name");
    }
    String rest = spec.substring(name.length()); // "" or "/sub/path"
    String subpath = "." + rest;

    Scope self = packageScope(fromDir);
    if (self != null && name.equals(self.json.name()) && self.json.hasExports()) {
      return exports(self.dir, subpath, self.json, a);
    }
    boolean packageFound = false;
    for (String dir : Objects.requireNonNull(packages).directories(name, fromDir)) {
      PackageJson json = packageJson(TreePath.child(dir, "package.json"));
      if (json != null) {
        packageFound = true;
        if (json.hasExports()) {
          return exports(dir, subpath, json, a);
        }
      }
      String path = TreePath.join(dir, rest);
      if (path == null) {
        throw climbs(tree);
      }
      Target t = fileOrDirectory(path, rest.endsWith("/"), a);
      if (t != null) {
        return t;
      }
    }
    if (packageFound) {
      throw a.notFound("the package " + name + " has no such file");
    }
    return null;
  }

  private Target exports(String dir, String subpath, PackageJson json, Attempt a) throws IOException {
    Object exports = json.exports();
    String where = tree.id(TreePath.child(dir, "package.json"));
    Map<?, ?> map;
    if (exports instanceof Map && !((Map<?, ?>) exports).isEmpty()) {
      Map<?, ?> m = (Map<?, ?>) exports;
      long dotted = m.keySet().stream().filter(k -> String.valueOf(k).startsWith(".")).count();
      if (dotted != 0 && dotted != m.size()) {
        throw a.notFound(
            "\"exports\" in " + where + " mixes subpaths (\"./x\") and conditions at one level");
      }
      map = dotted == 0 ? Map.of(".", m) : m;
    } else {
      map = exports == null ? Map.of() : Map.of(".", exports);
    }
    Target t =
        subpath.equals(".")
            ? (map.containsKey(".") ? target(dir, map.get("."), null, false, false, a) : null)
            : match(subpath, map, dir, false, a);
    if (t == null) {
      throw a.notFound(
          "\"exports\" in " + where + " has no entry for '" + subpath + "' under the conditions "
              + a.conditionList());
    }
    return existing(t, "\"exports\" in " + where + " names a file that is missing", a);
  }

  private Target existing(Target t, String reason, Attempt a) throws IOException {
    if (!isFile(t.path, a)) {
      throw a.notFound(reason);
    }
    return t;
  }

  /** Node's PACKAGE_IMPORTS_RESOLVE: {@code #name} through the nearest package.json "imports". */
  private Target packageImports(String spec, String fromDir, Attempt a) throws IOException {
    if (spec.equals("#") || spec.startsWith("#/")) {
      throw a.notFound("'" + spec + "' is not a valid imports specifier");
    }
    Scope scope = packageScope(fromDir);
    Map<?, ?> imports = scope == null ? null : scope.json.imports();
    if (scope == null || imports == null) {
      throw a.notFound("no package.json above the importing module has \"imports\"");
    }
    String where = tree.id(TreePath.child(scope.dir, "package.json"));
    Target t = match(spec, imports, scope.dir, true, a);
    if (t == null) {
      throw a.notFound(
          "\"imports\" in " + where + " has no entry for it under the conditions " + a.conditionList());
    }
    return existing(t, "\"imports\" in " + where + " names a file that is missing", a);
  }

  /** Node's PACKAGE_IMPORTS_EXPORTS_RESOLVE: an exact key, then the best {@code *} pattern. */
  private @Nullable Target match(String key, Map<?, ?> map, String dir, boolean imports, Attempt a)
      throws IOException {
    if (!key.contains("*") && map.containsKey(key)) {
      return target(dir, map.get(key), null, imports, false, a);
    }
    List<String> patterns = new ArrayList<>();
    for (Object k : map.keySet()) {
      String s = String.valueOf(k);
      if (s.indexOf('*') >= 0 && s.indexOf('*') == s.lastIndexOf('*')) {
        patterns.add(s);
      }
    }
    patterns.sort(
        Comparator.comparingInt((String s) -> s.indexOf('*')).reversed()
            .thenComparing(Comparator.comparingInt(String::length).reversed()));
    for (String pattern : patterns) {
      int star = pattern.indexOf('*');
      String prefix = pattern.substring(0, star);
      String suffix = pattern.substring(star + 1);
      if (key.startsWith(prefix)
          && !key.equals(prefix)
          && key.length() >= pattern.length()
          && key.endsWith(suffix)) {
        String matched = key.substring(star, key.length() - suffix.length());
        return target(dir, map.get(pattern), matched, imports, false, a);
      }
    }
    return null;
  }

  /** Node's PACKAGE_TARGET_RESOLVE; null when no condition matched (or the target is null). */
  private @Nullable Target target(
      String dir, @Nullable Object target, @Nullable String matched, boolean imports, boolean esm, Attempt a)
      throws IOException {
    if (target instanceof String) {
      String s = (String) target;
      if (!s.startsWith("./")) {
        if (imports && !s.startsWith("../") && !s.startsWith("/") && !SCHEME.matcher(s).matches()) {
          String spec = matched == null ? s : s.replace("*", matched);
          Target t = packageResolve(spec, dir, a);
          if (t == null) {
            throw a.notFound("\"imports\" maps it to the package '" + spec + "', which is not there");
          }
          return esm ? t.esm() : t;
        }
        throw a.notFound("the package target '" + s + "' does not start with ./");
      }
      String inside = s.substring(2);
      if (hasInvalidSegment(inside)) {
        throw a.notFound("the package target '" + s + "' has a '.', '..', empty or node_modules segment");
      }
      if (matched != null) {
        if (hasInvalidSegment(matched)) {
          throw a.notFound("the part matching '*' has a '.', '..', empty or node_modules segment");
        }
        inside = inside.replace("*", matched);
      }
      String path = TreePath.join(dir, inside);
      if (path == null) {
        throw climbs(tree);
      }
      return new Target(path, esm);
    }
    if (target instanceof List) {
      ModuleNotFoundException invalid = null;
      for (Object alternative : (List<?>) target) {
        try {
          Target t = target(dir, alternative, matched, imports, esm, a);
          if (t != null) {
            return t;
          }
        } catch (ModuleNotFoundException e) {
          invalid = e;
        }
      }
      if (invalid != null) {
        throw invalid;
      }
      return null;
    }
    if (target instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) target).entrySet()) {
        String condition = String.valueOf(e.getKey());
        if (!condition.isEmpty() && condition.chars().allMatch(Character::isDigit)) {
          throw a.notFound("package.json conditions may not be numbers ('" + condition + "')");
        }
        if (condition.equals("default") || a.conditions().contains(condition)) {
          boolean esmCondition = condition.equals("import") || condition.equals("module");
          Target t = target(dir, e.getValue(), matched, imports, esm || esmCondition, a);
          if (t != null) {
            return t;
          }
        }
      }
      return null;
    }
    if (target == null) {
      return null;
    }
    throw a.notFound("the package target " + target + " is not a string, array or object");
  }

  private static boolean hasInvalidSegment(String path) {
    for (String segment : path.replace('\\', '/').split("/", -1)) {
      String decoded = segment.toLowerCase(Locale.ROOT).replace("%2e", ".").replace("%5f", "_");
      if (INVALID_SEGMENT.matcher(decoded).matches()) {
        return true;
      }
    }
    return false;
  }

  // ---- package.json ----

  /** A package.json and the directory holding it. */
  private static final class Scope {
    final String dir;
    final PackageJson json;

    Scope(String dir, PackageJson json) {
      this.dir = dir;
      this.json = json;
    }
  }

  /** The nearest package.json at or above {@code dir}, not looking above a node_modules directory. */
  private @Nullable Scope packageScope(String dir) throws IOException {
    for (String d = dir; ; d = TreePath.parent(d)) {
      if (TreePath.name(d).equals("node_modules")) {
        return null;
      }
      PackageJson json = packageJson(TreePath.child(d, "package.json"));
      if (json != null) {
        return new Scope(d, json);
      }
      if (d.isEmpty()) {
        return null;
      }
    }
  }

  private @Nullable PackageJson packageJson(String path) throws IOException {
    if (tree.immutable()) {
      Optional<PackageJson> kept = packageFiles.get(path);
      if (kept != null) {
        return kept.orElse(null);
      }
    }
    String text = tree.isFile(path) ? tree.read(path) : null;
    PackageJson json = text == null ? null : PackageJson.parse(text, tree.id(path));
    if (tree.immutable() && packageFiles.size() < MAX_CACHED_PACKAGE_FILES) {
      packageFiles.putIfAbsent(path, Optional.ofNullable(json));
    }
    return json;
  }

  @Override
  public String toString() {
    return "ModuleLoader[" + (packages == null ? "scripts in " : "packages in ") + tree.describeRoot() + "]";
  }
}
