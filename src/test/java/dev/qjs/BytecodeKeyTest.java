package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys: long enough, copied, never shown; a key file private to its owner. */
class BytecodeKeyTest {
  @Test
  void aSecretShorterThan32BytesIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BytecodeKey.of(new byte[31]));
    assertTrue(e.getMessage().contains("at least 32 bytes"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BytecodeKey.of(new byte[0]));
    assertThrows(NullPointerException.class, () -> BytecodeKey.of(null));
  }

  @Test
  void theSecretIsCopied() throws Exception {
    byte[] secret = new byte[32];
    BytecodeKey key = BytecodeKey.of(secret);
    byte[] blob = Bytecode.compileScript("1", "one.js").toBytes(key);
    secret[0] = 1; // changing the caller's array changes nothing
    Bytecode.fromBytes(blob, key);
    assertThrows(InvalidBytecodeException.class, () -> Bytecode.fromBytes(blob, BytecodeKey.of(secret)));
  }

  @Test
  void anAbsentKeyFileIsCreatedOwnerOnlyAndReadTheSameNextTime(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("conf/app/bytecode.key");
    BytecodeKey first = BytecodeKey.fromFile(file);
    assertEquals(32, Files.size(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    byte[] blob = Bytecode.compileScript("'kept'", "k.js").toBytes(first);
    Bytecode.fromBytes(blob, BytecodeKey.fromFile(file)); // the same key read back
    try (var files = Files.list(file.getParent())) {
      assertEquals(1, files.count(), "no temporary file is left beside it");
    }
    Path another = dir.resolve("other.key");
    BytecodeKey other = BytecodeKey.fromFile(another);
    assertTrue(!Arrays.equals(Files.readAllBytes(file), Files.readAllBytes(another)), "each installation its own key");
    assertThrows(InvalidBytecodeException.class, () -> Bytecode.fromBytes(blob, other));
  }

  @Test
  void aKeyFileOthersCanReadOrWriteIsRefusedSayingHowToFixIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bytecode.key");
    BytecodeKey.fromFile(file);
    for (String perms : new String[] {"rw-r-----", "rw----r--", "rw--w----", "rw-----w-", "rw-rw-rw-"}) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> BytecodeKey.fromFile(file), perms);
      assertTrue(e.getMessage().contains(perms) && e.getMessage().contains("chmod 600"), e.getMessage());
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    BytecodeKey.fromFile(file); // owner-only, read-only: fine
  }

  @Test
  void aKeyFileTooShortIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("short.key");
    Files.write(file, new byte[10]);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    IOException e = assertThrows(IOException.class, () -> BytecodeKey.fromFile(file));
    assertTrue(e.getMessage().contains("10 bytes"), e.getMessage());
    Path empty = dir.resolve("empty.key");
    Files.createFile(empty, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    assertThrows(IOException.class, () -> BytecodeKey.fromFile(empty));
  }

  @Test
  void threadsCreatingOneKeyFileAtOnceAgreeOnOneKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("race.key");
    byte[] blob = null;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<BytecodeKey>> keys = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        keys.add(pool.submit(() -> BytecodeKey.fromFile(file)));
      }
      for (Future<BytecodeKey> k : keys) {
        BytecodeKey key = k.get(30, TimeUnit.SECONDS);
        if (blob == null) {
          blob = Bytecode.compileScript("1", "r.js").toBytes(key);
        }
        Bytecode.fromBytes(blob, key);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(32, Files.size(file));
  }
}
