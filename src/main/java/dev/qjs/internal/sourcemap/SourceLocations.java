package dev.qjs.internal.sourcemap;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * Resolves a map's {@code sources} the way ECMA-426 asks ("Resolving sources"): the
 * {@code sourceRoot} (with a {@code /} added when it has none at the end) goes in front of each
 * source, and the result is resolved against the map's own location. The engine's file names
 * are often plain paths ({@code dist/app.js}, {@code C:\app\x.js}) rather than URLs, so
 * resolution works on paths as well: a reference with a scheme ({@code webpack://}, {@code
 * file:}) stays as it is, an absolute path stays as it is, a relative one goes after the base's
 * folder with {@code .} and {@code ..} segments folded.
 */
final class SourceLocations {
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*", Pattern.DOTALL);

  private SourceLocations() {}

  /** {@code source} after {@code sourceRoot}, per the spec's concatenation rule. */
  static String withRoot(String sourceRoot, String source) {
    if (sourceRoot.isEmpty()) {
      return source;
    }
    return sourceRoot.endsWith("/") ? sourceRoot + source : sourceRoot + "/" + source;
  }

  /**
   * {@code reference} resolved against {@code base} (the location of the map, or of the
   * generated file for an inline or explicit map); {@code base} null or a {@code data:} URL
   * leaves the reference as it is, as the spec's URL parsing would.
   */
  static String resolve(String reference, String base) {
    if (base.isEmpty() || hasScheme(reference) || base.regionMatches(true, 0, "data:", 0, 5)) {
      return reference;
    }
    if (hasScheme(base)) {
      try {
        URI baseUri = new URI(base);
        if (!baseUri.isOpaque()) {
          String resolved = baseUri.resolve(new URI(null, null, reference, null)).toString();
          // java.net.URI drops the empty authority of file:///x; keep the form the base had
          if (base.startsWith("file:///") && resolved.startsWith("file:/")
              && !resolved.startsWith("file:///")) {
            resolved = "file:///" + resolved.substring("file:/".length());
          }
          return resolved;
        }
        // an opaque base (jar:file:/x.jar!/a.js) resolves as a path below
      } catch (URISyntaxException | IllegalArgumentException e) {
        // not a URL after all: resolve it as a path
      }
    }
    if (reference.startsWith("/") || reference.startsWith("\\")) {
      return fold(reference);
    }
    int slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
    String folder = slash < 0 ? "" : base.substring(0, slash + 1);
    return fold(folder + reference);
  }

  private static boolean hasScheme(String s) {
    // two letters at least: "C:\x" is a Windows path, not a URL with scheme "c"
    return SCHEME.matcher(s).matches();
  }

  /** Folds {@code .} and {@code ..} segments; leading {@code ..} of a relative path stay. */
  private static String fold(String path) {
    char separator = path.indexOf('/') < 0 && path.indexOf('\\') >= 0 ? '\\' : '/';
    String[] parts = path.split("[/\\\\]", -1);
    Deque<String> kept = new ArrayDeque<>();
    boolean absolute = path.startsWith("/") || path.startsWith("\\");
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.equals(".") || (part.isEmpty() && i > 0 && i < parts.length - 1)) {
        continue;
      }
      if (part.equals("..") && !kept.isEmpty() && !kept.peekLast().equals("..")
          && !kept.peekLast().isEmpty()) {
        kept.removeLast();
        continue;
      }
      if (part.equals("..") && absolute) {
        continue; // above the root is the root
      }
      kept.addLast(part);
    }
    return String.join(String.valueOf(separator), kept);
  }
}
