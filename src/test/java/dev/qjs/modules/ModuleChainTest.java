package dev.qjs.modules;

import static dev.qjs.ModuleLoader.Kind.IMPORT;
import static dev.qjs.ModuleLoader.Kind.REQUIRE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.ModuleLoader;
import dev.qjs.ModuleNotFoundException;
import dev.qjs.ModuleSource;
import dev.qjs.ModuleSource.Format;
import dev.qjs.internal.modules.ModuleLookup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loaders composed with orElse, and the engine's resolve-or-fail entry. */
class ModuleChainTest {
  @TempDir Path dir;

  private final ModuleLoader first = ModuleLoader.ofMap(Map.of("a.js", "'first'", "only-first.js", "1"));
  private final ModuleLoader second = ModuleLoader.ofMap(Map.of("a.js", "'second'", "b.js", "'b'"));

  @Test
  void theFirstLoaderThatResolvesWins() throws IOException {
    ModuleLoader chain = first.orElse(second);
    assertEquals("a.js", chain.resolve("a.js", null, IMPORT));
    assertEquals("'first'", chain.load("a.js").text());
    assertEquals("b.js", chain.resolve("./b.js", null, IMPORT));
    assertEquals("'b'", chain.load("b.js").text());
    assertEquals("'second'", second.orElse(first).load(second.orElse(first).resolve("a.js", null, IMPORT)).text());
  }

  @Test
  void anIdIsLoadedByTheLoaderThatResolvedIt() throws IOException {
    SampleFiles.write(dir, "node_modules/dep/index.js", "globalThis.shown = 'neither format'");
    // both loaders know the file: as a script (ESM by default) and as a package (CommonJS)
    ModuleLoader chain = ModuleLoader.directory(dir).orElse(ModuleLoader.nodeModules(dir));
    String id = chain.resolve("dep", null, REQUIRE);
    assertEquals(dir.toRealPath().resolve("node_modules/dep/index.js").toString(), id);
    assertEquals(Format.COMMONJS, chain.load(id).format());
    assertEquals(Format.ESM, ModuleLoader.directory(dir).load(id).format());
  }

  @Test
  void anIdNeverResolvedIsLoadedByAskingEachLoader() throws IOException {
    assertEquals("'b'", first.orElse(second).load("b.js").text());
    assertNull(first.orElse(second).load("c.js"));
  }

  @Test
  void aFailureInOneLoaderLetsTheNextTry() throws IOException {
    SampleFiles.write(dir, "x.js", "1");
    ModuleLoader chain = ModuleLoader.directory(dir).orElse(ModuleLoader.ofMap(Map.of("y.js", "2")));
    assertEquals("y.js", chain.resolve("./y.js", null, IMPORT));
  }

  @Test
  void whenNoneResolvesTheFirstFailureIsThrownWithTheOthersSuppressed() throws IOException {
    SampleFiles.write(dir, "x.js", "1");
    ModuleLoader chain = ModuleLoader.directory(dir).orElse(ModuleLoader.ofMap(Map.of("y.js", "2")));
    ModuleNotFoundException e =
        assertThrows(ModuleNotFoundException.class, () -> chain.resolve("./z.js", null, IMPORT));
    assertTrue(e.tried().get(0).endsWith("z.js") && e.tried().get(0).startsWith(dir.toRealPath().toString()));
    assertEquals(1, e.getSuppressed().length);
    assertEquals(List.of("z.js", "z.js.js"), ((ModuleNotFoundException) e.getSuppressed()[0]).tried().subList(0, 2));
  }

  @Test
  void chainsFlattenAndKeepTheirOrder() throws IOException {
    ModuleLoader third = ModuleLoader.ofMap(Map.of("c.js", "'c'"));
    ModuleLoader chain = first.orElse(second).orElse(third);
    assertEquals(chain.toString(), first.orElse(second.orElse(third)).toString());
    assertEquals("'c'", chain.load(chain.resolve("c.js", null, IMPORT)).text());
  }

  @Test
  void aUserLoaderComposesWithTheReadyMadeOnes() throws IOException {
    AtomicInteger asked = new AtomicInteger();
    ModuleLoader virtual =
        new ModuleLoader() {
          @Override
          public @Nullable String resolve(String specifier, @Nullable String referrer, Kind kind) {
            asked.incrementAndGet();
            return specifier.startsWith("virtual:") ? specifier : null;
          }

          @Override
          public @Nullable ModuleSource load(String id) {
            return id.startsWith("virtual:") ? ModuleSource.esm(id, "export default '" + id + "'") : null;
          }
        };
    ModuleLoader chain = first.orElse(virtual);
    assertEquals("virtual:x", chain.resolve("virtual:x", "a.js", IMPORT));
    assertEquals("export default 'virtual:x'", chain.load("virtual:x").text());
    assertEquals("a.js", chain.resolve("a.js", null, IMPORT));
    assertEquals(1, asked.get(), "the user loader is not asked once the first resolved");
  }

  @Test
  void theChainRefusesBadSpecifiersBeforeAskingAnyLoader() {
    AtomicInteger asked = new AtomicInteger();
    ModuleLoader counting =
        new ModuleLoader() {
          @Override
          public @Nullable String resolve(String specifier, @Nullable String referrer, Kind kind) {
            asked.incrementAndGet();
            return null;
          }

          @Override
          public @Nullable ModuleSource load(String id) {
            return null;
          }
        };
    ModuleLoader chain = counting.orElse(counting);
    assertThrows(ModuleNotFoundException.class, () -> chain.resolve("a\0", null, IMPORT));
    assertThrows(ModuleNotFoundException.class, () -> chain.resolve("x".repeat(5000), null, IMPORT));
    assertEquals(0, asked.get());
  }

  @Test
  void theEngineEntryTurnsNullIntoAMessageNamingSpecifierAndReferrer() throws IOException {
    ModuleNotFoundException e =
        assertThrows(
            ModuleNotFoundException.class, () -> ModuleLookup.resolve(first, "left-pad", "a.js", IMPORT));
    assertEquals("Cannot find module 'left-pad' imported from a.js: no module loader knows it", e.getMessage());
    assertEquals("a.js", ModuleLookup.resolve(first, "./a.js", null, IMPORT));
    assertEquals("'first'", ModuleLookup.load(first, "a.js").text());
    assertThrows(IOException.class, () -> ModuleLookup.load(first, "zzz.js"));
  }

  @Test
  void theDirectoryOfAnIdIsEverythingBeforeItsLastSeparator() {
    assertEquals("webjar:dayjs@1.11.21/plugin", ModuleLookup.directoryOf("webjar:dayjs@1.11.21/plugin/utc.js"));
    assertEquals("/app/scripts", ModuleLookup.directoryOf("/app/scripts/main.js"));
    assertEquals("C:\\app", ModuleLookup.directoryOf("C:\\app\\main.js"));
    assertEquals("", ModuleLookup.directoryOf("main.js"));
  }

  @Test
  void theEngineEntryRejectsIdsItCannotPassToQuickJs() {
    ModuleLoader broken =
        new ModuleLoader() {
          @Override
          public String resolve(String specifier, @Nullable String referrer, Kind kind) {
            return specifier.equals("empty") ? "" : "bad\0id";
          }

          @Override
          public @Nullable ModuleSource load(String id) {
            return null;
          }
        };
    assertThrows(IOException.class, () -> ModuleLookup.resolve(broken, "empty", null, IMPORT));
    assertThrows(IOException.class, () -> ModuleLookup.resolve(broken, "nul", null, IMPORT));
  }

  @Test
  void sourcesAreValues() {
    ModuleSource a = ModuleSource.esm("a.js", "1");
    assertEquals(a, ModuleSource.of("a.js", "1", Format.ESM));
    assertEquals(a.hashCode(), ModuleSource.of("a.js", "1", Format.ESM).hashCode());
    assertEquals("ModuleSource[a.js, ESM, 1 chars]", a.toString());
    assertSame(Format.COMMONJS, ModuleSource.byExtension("x.CJS", "").format());
    assertSame(Format.JSON, ModuleSource.byExtension("x.json", "").format());
    assertSame(Format.ESM, ModuleSource.byExtension("x.js", "").format());
    assertSame(Format.COMMONJS, ModuleSource.commonJs("x", "").format());
    assertSame(Format.JSON, ModuleSource.json("x", "").format());
    assertThrows(NullPointerException.class, () -> ModuleSource.esm("x", null));
  }
}
