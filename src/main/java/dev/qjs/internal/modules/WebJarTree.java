package dev.qjs.internal.modules;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * npm packages from WebJars: the resources below {@code META-INF/resources/webjars/}, where
 * each package lies in {@code <artifact>/<version>/}. The artifact is the npm name, or {@code
 * scope__name} for {@code @scope/name}; the version comes from the WebJar's {@code
 * pom.properties}. Paths are {@code <artifact>/<version>/<file>}, ids {@code
 * webjar:<npm name>@<version>/<file>}.
 */
public final class WebJarTree implements FileTree {
  static final String ROOT = "META-INF/resources/webjars";
  static final String SCHEME = "webjar:";
  private static final List<String> GROUPS = List.of("org.webjars.npm", "org.webjars");

  private final ClassLoader loader;
  private final ClasspathTree files;
  private final ConcurrentHashMap<String, Optional<String>> packageDirs = new ConcurrentHashMap<>();

  public WebJarTree(ClassLoader loader) {
    this.loader = Objects.requireNonNull(loader, "loader");
    this.files = new ClasspathTree(loader, ROOT);
  }

  /** The WebJar artifact of an npm package name: {@code @scope/name} is {@code scope__name}. */
  static String artifact(String packageName) {
    return packageName.startsWith("@") ? packageName.substring(1).replace("/", "__") : packageName;
  }

  /** The npm name of a WebJar artifact. */
  static String packageName(String artifact) {
    int sep = artifact.indexOf("__");
    return sep > 0 ? "@" + artifact.substring(0, sep) + "/" + artifact.substring(sep + 2) : artifact;
  }

  /**
   * The directory of npm package {@code packageName} ({@code dayjs/1.11.21}), in a list of one;
   * empty when no WebJar of it is on the class path.
   */
  List<String> packageDirectories(String packageName) throws IOException {
    String artifact = artifact(packageName);
    Optional<String> dir = packageDirs.get(artifact);
    if (dir == null) {
      dir = Optional.ofNullable(findPackageDirectory(artifact));
      packageDirs.putIfAbsent(artifact, dir);
    }
    return dir.map(List::of).orElse(List.of());
  }

  private @Nullable String findPackageDirectory(String artifact) throws IOException {
    if (!TreePath.isSegment(artifact)) {
      return null;
    }
    for (String group : GROUPS) {
      URL url = loader.getResource("META-INF/maven/" + group + "/" + artifact + "/pom.properties");
      if (url == null) {
        continue;
      }
      Properties properties = new Properties();
      try (InputStream in = url.openStream()) {
        properties.load(in);
      }
      String version = filesVersion(artifact, properties.getProperty("version", "").trim());
      if (TreePath.isSegment(version)) {
        return artifact + "/" + version;
      }
    }
    return null;
  }

  /**
   * The version directory of a WebJar's files: its Maven version, or that version without a
   * repackaging suffix ({@code 3.1.1-1} keeps its files under {@code 3.1.1}) when only that
   * directory exists.
   */
  private String filesVersion(String artifact, String version) {
    int dash = version.indexOf('-');
    if (dash <= 0 || loader.getResource(ROOT + "/" + artifact + "/" + version + "/") != null) {
      return version;
    }
    String npmVersion = version.substring(0, dash);
    return loader.getResource(ROOT + "/" + artifact + "/" + npmVersion + "/") != null ? npmVersion : version;
  }

  /** A package file has at least three segments: artifact, version, file. */
  private static boolean inPackage(String path) {
    int first = path.indexOf('/');
    return first > 0 && path.indexOf('/', first + 1) > first + 1;
  }

  @Override
  public boolean isFile(String path) {
    return inPackage(path) && files.isFile(path);
  }

  @Override
  public @Nullable String read(String path) throws IOException {
    return inPackage(path) ? files.read(path) : null;
  }

  @Override
  public String id(String path) {
    if (!inPackage(path)) {
      return files.id(path);
    }
    int first = path.indexOf('/');
    int second = path.indexOf('/', first + 1);
    return SCHEME
        + packageName(path.substring(0, first))
        + "@"
        + path.substring(first + 1, second)
        + path.substring(second);
  }

  @Override
  public @Nullable String path(String id) {
    if (!id.startsWith(SCHEME)) {
      return null;
    }
    String rest = id.substring(SCHEME.length());
    int at = rest.indexOf('@', rest.startsWith("@") ? 1 : 0);
    int slash = at < 0 ? -1 : rest.indexOf('/', at);
    if (at <= 0 || slash < 0) {
      return null;
    }
    String name = rest.substring(0, at);
    if (name.startsWith("@") && name.indexOf('/') < 0) {
      return null;
    }
    String path = TreePath.join("", artifact(name) + "/" + rest.substring(at + 1, slash) + rest.substring(slash));
    return path != null && inPackage(path) && id(path).equals(id) ? path : null;
  }

  @Override
  public @Nullable String absolute(String specifier) {
    return null;
  }

  @Override
  public boolean hasRootFiles() {
    return false;
  }

  @Override
  public boolean immutable() {
    return true;
  }

  @Override
  public String describeRoot() {
    return "the root of the WebJars (" + ROOT + "/)";
  }
}
