package dev.qjs.cli;

import dev.qjs.HostModule;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The {@code host:files} module of {@link ScriptFileRunner}: {@code read(name)} reads a UTF-8
 * file below the folder of the script being run, on a thread of its own, and returns a {@code
 * CompletableFuture} of its text, which scripts await as a promise. A name that leaves the folder
 * (through {@code ..}, an absolute path or a symbolic link) or a missing file gives a failed
 * future: a rejected promise.
 *
 * <pre>{@code
 * import { read } from 'host:files';
 * const model = JSON.parse(await read('data/model.json'));
 * }</pre>
 */
final class ScriptFolder implements HostModule {
  /** One daemon thread for every runner's reads: they complete futures off the engine's thread. */
  private static final ExecutorService IO =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "script-folder-io");
            t.setDaemon(true);
            return t;
          });

  private final Path root;

  ScriptFolder(Path root) {
    try {
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String name() {
    return "files";
  }

  @Override
  public Map<String, ?> exports() {
    return Map.of("read", (Function<String, CompletableFuture<String>>) this::read);
  }

  CompletableFuture<String> read(String name) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Files.readString(file(name), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new CompletionException(e); // the script's error is the IOException's
          }
        },
        IO);
  }

  /** The real path of a file below the root, or FileNotFoundException saying why not. */
  private Path file(String name) throws IOException {
    Path candidate = root.resolve(name).normalize();
    if (!candidate.startsWith(root) || !Files.isRegularFile(candidate)) {
      throw new FileNotFoundException("no file " + name + " in the script's folder");
    }
    Path real = candidate.toRealPath();
    if (!real.startsWith(root)) {
      throw new FileNotFoundException("no file " + name + " in the script's folder");
    }
    return real;
  }
}
