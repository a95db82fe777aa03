package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.LoggedMessages;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Jackson is an optional dependency of the library, and the map reader uses it. Loaded where
 * Jackson is absent (our compiled classes alone, over the platform class loader), the registry
 * must still take registrations and answer lookups: with nothing, and one warning saying that
 * source maps need jackson-databind.
 */
class WithoutJacksonTest {
  @Test
  void withoutJacksonMapsAreSkippedWithOneWarningSayingWhatIsMissing() throws Exception {
    Path classes = Path.of(SourceMaps.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> warnings;
    try (LoggedMessages log = LoggedMessages.of("dev.qjs.sourcemap");
        URLClassLoader alone =
            new URLClassLoader(new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      assertThrows(ClassNotFoundException.class,
          () -> alone.loadClass("com.fasterxml.jackson.databind.ObjectMapper"));
      Class<?> registry = alone.loadClass(SourceMaps.class.getName());
      Class<?> fetcher = alone.loadClass(MapFetcher.class.getName());
      Object maps = registry.getConstructor(int.class).newInstance(4);
      Object none = fetcher.getField("NONE").get(null);
      var register = registry.getMethod("register", String.class, String.class, String.class, fetcher);
      var map = registry.getMethod("map", String.class, int.class, int.class);
      String json = "{\"version\":3,\"sources\":[\"a.ts\"],\"mappings\":\"AAAA\"}";
      register.invoke(maps, "one.js", "x();", json, none);
      register.invoke(maps, "two.js", "x();", json, none);
      for (int i = 0; i < 3; i++) {
        assertNull(map.invoke(maps, "one.js", 1, 1));
        assertNull(map.invoke(maps, "two.js", 1, 1));
      }
      warnings = log.messages();
    }
    assertEquals(2, warnings.size(), warnings.toString());
    for (String w : warnings) {
      assertTrue(w.contains("jackson-databind on the class path"), w);
    }
  }
}
