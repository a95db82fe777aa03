package dev.qjs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The secret that authenticates saved {@link Bytecode}: whoever holds it can make bytecode every
 * reader with the same key runs, so keep it where only the application can read it. Either the
 * application supplies at least 32 bytes of secret (from its secret store), or a key file is
 * created per installation on first use.
 *
 * <pre>{@code
 * BytecodeKey key = BytecodeKey.fromFile(Path.of(System.getProperty("user.home"), ".myapp", "bytecode.key"));
 * // or: BytecodeKey.of(secretStore.bytes("bytecode-hmac"))
 * Bytecode rules = Bytecode.compileModule(source, "rules.mjs");
 * rules.save(Path.of("cache/rules.qjsc"), key);
 * }</pre>
 *
 * <p>{@link #toString} never shows the secret.
 */
public final class BytecodeKey {
  /** The fewest secret bytes accepted: 256 bits, the size of HMAC-SHA256's output. */
  public static final int MIN_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] secret;

  private BytecodeKey(byte[] secret) {
    this.secret = secret;
  }

  /**
   * A key from a secret of at least {@value #MIN_BYTES} bytes (copied: changing the array
   * afterwards changes nothing).
   *
   * @param secret the secret, from the application's secret store
   * @return the key
   * @throws IllegalArgumentException when the secret is shorter
   */
  public static BytecodeKey of(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < MIN_BYTES) {
      throw new IllegalArgumentException("a bytecode key needs at least " + MIN_BYTES + " bytes of secret, got "
          + secret.length);
    }
    return new BytecodeKey(secret.clone());
  }

  /**
   * The key in a file, created when absent: {@value #MIN_BYTES} bytes from {@link SecureRandom},
   * written to a temporary file in the same folder with owner-only permissions ({@code rw-------})
   * and linked into place atomically, so a concurrent reader sees the whole key or no file (two
   * processes creating it at once agree on one key). On a file system without POSIX permissions
   * (Windows) the file gets its folder's default access list, narrowed to the owner as far as
   * {@link java.io.File#setReadable(boolean, boolean)} can; keep it in a folder only the
   * application's account can open.
   *
   * @param file the key file (its folders are created)
   * @return the key it holds
   * @throws AccessDeniedException when an existing file can be read or written by its group or
   *     others (the message says how to fix it)
   * @throws IOException when the file cannot be read or created, or holds fewer than
   *     {@value #MIN_BYTES} bytes
   */
  public static BytecodeKey fromFile(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    Path path = file.toAbsolutePath();
    if (!Files.exists(path)) {
      create(path);
    }
    PosixFileAttributeView posix = Files.getFileAttributeView(path, PosixFileAttributeView.class);
    if (posix != null) {
      Set<PosixFilePermission> perms = posix.readAttributes().permissions();
      EnumSet<PosixFilePermission> open = EnumSet.of(
          PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
      open.retainAll(perms);
      if (!open.isEmpty()) {
        throw new AccessDeniedException(path.toString(), null,
            "the bytecode key file's permissions " + PosixFilePermissions.toString(perms)
                + " let its group or others read or write it; anyone who can read it can make bytecode this"
                + " application runs. Make it the owner's only (chmod 600 '" + path + "'), or delete it to"
                + " create a new key (bytecode saved with the old key is then refused)");
      }
    }
    byte[] secret = Files.readAllBytes(path);
    if (secret.length < MIN_BYTES) {
      throw new IOException("the bytecode key file " + path + " holds " + secret.length + " bytes, fewer than "
          + MIN_BYTES + ": not a key file this library wrote (delete it to create a new key)");
    }
    return new BytecodeKey(secret);
  }

  private static void create(Path path) throws IOException {
    Path dir = Objects.requireNonNull(path.getParent(), "a key file has a folder");
    Files.createDirectories(dir);
    byte[] secret = new byte[MIN_BYTES];
    RANDOM.nextBytes(secret);
    boolean posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
    FileAttribute<?>[] ownerOnly = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    Path temp = Files.createTempFile(dir, ".bytecode-key", ".tmp", ownerOnly);
    try {
      if (!posix) {
        // best effort only: the folder's access list decides (see the Javadoc)
        java.io.File f = temp.toFile();
        boolean narrowed = f.setReadable(false, false) && f.setReadable(true, true)
            && f.setWritable(false, false) && f.setWritable(true, true);
        if (!narrowed) {
          System.getLogger(BytecodeKey.class.getName()).log(System.Logger.Level.WARNING,
              "could not narrow the bytecode key file " + path + " to its owner: its folder's access list decides who can read it");
        }
      }
      Files.write(temp, secret);
      try {
        Files.createLink(path, temp); // fails when another process created it first: use theirs
      } catch (FileAlreadyExistsException raced) {
        // the other process's key is the key
      } catch (UnsupportedOperationException | IOException noLinks) {
        if (!Files.exists(path)) {
          Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } finally {
      Arrays.fill(secret, (byte) 0);
      Files.deleteIfExists(temp);
    }
  }

  /** The secret itself, for the format's tag (not a copy: callers in this package only). */
  byte[] secret() {
    return secret;
  }

  /** Says what this is, never the secret. */
  @Override
  public String toString() {
    return "BytecodeKey[" + secret.length + " bytes, secret not shown]";
  }
}
