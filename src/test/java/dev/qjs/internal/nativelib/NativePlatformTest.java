package dev.qjs.internal.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import dev.qjs.internal.nativelib.NativePlatform.Libc;
import dev.qjs.internal.nativelib.NativePlatform.LibcEvidence;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Platform names: OS and processor mapping, glibc or musl, and the -Dquickjs.platform override. */
class NativePlatformTest {
  private static final Supplier<LibcEvidence> GLIBC = () -> new LibcEvidence(Libc.GLIBC, "test");
  private static final Supplier<LibcEvidence> MUSL = () -> new LibcEvidence(Libc.MUSL, "test");
  private static final Supplier<LibcEvidence> NEVER_ASKED =
      () -> {
        throw new AssertionError("the C library was detected where it does not matter");
      };

  private static LibcEvidence fromMaps(String maps) {
    return NativePlatform.libcOfMaps(maps);
  }

  @Nested
  class Names {
    @Test
    void osAndProcessorNamesMapToJnasResourcePrefixes() {
      assertEquals("linux-x86-64", NativePlatform.jnaPrefix("Linux", "amd64"));
      assertEquals("linux-x86-64", NativePlatform.jnaPrefix("Linux", "x86_64"));
      assertEquals("linux-aarch64", NativePlatform.jnaPrefix("Linux", "aarch64"));
      assertEquals("linux-aarch64", NativePlatform.jnaPrefix("Linux", "arm64"));
      assertEquals("linux-x86", NativePlatform.jnaPrefix("Linux", "i686"));
      assertEquals("linux-ppc64le", NativePlatform.jnaPrefix("Linux", "ppc64le"));
      assertEquals("linux-s390x", NativePlatform.jnaPrefix("Linux", "s390x"));
      assertEquals("linux-riscv64", NativePlatform.jnaPrefix("Linux", "riscv64"));
      assertEquals("darwin-aarch64", NativePlatform.jnaPrefix("Mac OS X", "aarch64"));
      assertEquals("darwin-x86-64", NativePlatform.jnaPrefix("Mac OS X", "x86_64"));
      assertEquals("darwin-aarch64", NativePlatform.jnaPrefix("Darwin", "arm64"));
      assertEquals("win32-x86-64", NativePlatform.jnaPrefix("Windows 11", "amd64"));
      assertEquals("win32-aarch64", NativePlatform.jnaPrefix("Windows Server 2022", "aarch64"));
      assertEquals("win32-x86", NativePlatform.jnaPrefix("Windows 10", "x86"));
      assertEquals("freebsd-x86-64", NativePlatform.jnaPrefix("FreeBSD", "amd64"));
      assertEquals("sunos-x86-64", NativePlatform.jnaPrefix("SunOS", "amd64"));
      assertEquals("haiku-x86-64", NativePlatform.jnaPrefix("Haiku R1", "x86_64"));
    }

    @Test
    void theMappingAgreesWithJnaOnThisMachine() {
      assertEquals(
          Platform.RESOURCE_PREFIX,
          NativePlatform.jnaPrefix(System.getProperty("os.name"), System.getProperty("os.arch")));
    }

    @Test
    void eachFolderHasItsOperatingSystemsFileName() {
      assertEquals("libquickjs-jsr223.so", NativePlatform.libraryFile("linux-x86-64"));
      assertEquals("libquickjs-jsr223.so", NativePlatform.libraryFile("linux-aarch64-musl"));
      assertEquals("libquickjs-jsr223.dylib", NativePlatform.libraryFile("darwin-aarch64"));
      assertEquals("quickjs-jsr223.dll", NativePlatform.libraryFile("win32-x86-64"));
      assertEquals("quickjs-jsr223.dll", NativePlatform.libraryFile("win32-aarch64"));
    }
  }

  @Nested
  class Folders {
    @Test
    void muslLinuxGetsTheMuslFolder() {
      assertEquals("linux-x86-64-musl", NativePlatform.of("Linux", "amd64", null, MUSL).folder());
      assertEquals("linux-aarch64-musl", NativePlatform.of("Linux", "aarch64", null, MUSL).folder());
      assertEquals(
          "linux-x86-64-musl/libquickjs-jsr223.so",
          NativePlatform.of("Linux", "x86_64", null, MUSL).resource());
    }

    @Test
    void glibcLinuxGetsJnasFolder() {
      assertEquals("linux-x86-64", NativePlatform.of("Linux", "amd64", null, GLIBC).folder());
      assertEquals(
          "linux-aarch64/libquickjs-jsr223.so",
          NativePlatform.of("Linux", "aarch64", null, GLIBC).resource());
    }

    @Test
    void macOsAndWindowsNeverLookForACLibrary() {
      NativePlatform mac = NativePlatform.of("Mac OS X", "aarch64", null, NEVER_ASKED);
      assertEquals("darwin-aarch64/libquickjs-jsr223.dylib", mac.resource());
      assertNull(mac.libc());
      NativePlatform windows = NativePlatform.of("Windows 11", "amd64", null, NEVER_ASKED);
      assertEquals("win32-x86-64/quickjs-jsr223.dll", windows.resource());
      assertFalse(windows.description().contains("C library"), windows.description());
    }

    @Test
    void theDescriptionNamesOsArchAndLibcWithItsEvidence() {
      NativePlatform platform =
          NativePlatform.of(
              "Linux",
              "amd64",
              null,
              () -> new LibcEvidence(Libc.MUSL, "/lib/ld-musl-x86_64.so.1 is mapped into this JVM"));
      assertEquals(
          "os.name=Linux, os.arch=amd64, C library musl (/lib/ld-musl-x86_64.so.1 is mapped into this JVM)",
          platform.description());
    }

    @Test
    void thePlatformPropertyNamesTheFolderWithoutDetecting() {
      NativePlatform platform = NativePlatform.of("Linux", "amd64", " linux-x86-64-musl ", NEVER_ASKED);
      assertEquals("linux-x86-64-musl", platform.folder());
      assertEquals("linux-x86-64-musl/libquickjs-jsr223.so", platform.resource());
      assertTrue(platform.overridden());
      assertTrue(platform.description().contains("chosen by -Dquickjs.platform"), platform.description());
    }

    @Test
    void thePlatformPropertyCanChooseAnotherOperatingSystemsNaming() {
      assertEquals(
          "win32-aarch64/quickjs-jsr223.dll",
          NativePlatform.of("Linux", "amd64", "win32-aarch64", NEVER_ASKED).resource());
    }

    @Test
    void aPlatformPropertyThatIsNoFolderNameIsRefused() {
      for (String bad : new String[] {"../../etc", "linux/x86-64", "linux x86", "-musl", "C:\\lib"}) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class, () -> NativePlatform.of("Linux", "amd64", bad, NEVER_ASKED));
        assertTrue(e.getMessage().contains("-Dquickjs.platform=" + bad), e.getMessage());
      }
    }

    @Test
    void aBlankPlatformPropertyMeansDetect() {
      assertEquals("linux-x86-64-musl", NativePlatform.of("Linux", "amd64", "  ", MUSL).folder());
    }

    @Test
    void theSystemPropertyReachesTheCurrentPlatform() {
      String before = System.getProperty(NativePlatform.PLATFORM_PROPERTY);
      System.setProperty(NativePlatform.PLATFORM_PROPERTY, "linux-aarch64-musl");
      try {
        assertEquals("linux-aarch64-musl", NativePlatform.current().folder());
      } finally {
        if (before == null) {
          System.clearProperty(NativePlatform.PLATFORM_PROPERTY);
        } else {
          System.setProperty(NativePlatform.PLATFORM_PROPERTY, before);
        }
      }
    }
  }

  @Nested
  class CLibrary {
    private static final String GLIBC_X86_64_JVM =
        """
        555ec2acb000-555ec2acc000 r--p 00000000 fe:00 327901                     /usr/lib/jvm/java-17-openjdk-amd64/bin/java
        555ec2acc000-555ec2acd000 r-xp 00001000 fe:00 327901                     /usr/lib/jvm/java-17-openjdk-amd64/bin/java
        7f2fa4c00000-7f2fa4e51000 r--p 00000000 fe:00 328261                     /usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so
        7f2fa4e51000-7f2fa5ba4000 r-xp 00251000 fe:00 328261                     /usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so
        7f2fa5fd2000-7f2fa5ff8000 r--p 00000000 fe:00 339380                     /usr/lib/x86_64-linux-gnu/libc.so.6
        7f2fa5ff8000-7f2fa614e000 r-xp 00026000 fe:00 339380                     /usr/lib/x86_64-linux-gnu/libc.so.6
        7f2fa614e000-7f2fa61a1000 r--p 0017c000 fe:00 339380                     /usr/lib/x86_64-linux-gnu/libc.so.6
        7f2fa61c4000-7f2fa61c7000 r--p 00000000 fe:00 340072                     /usr/lib/x86_64-linux-gnu/libz.so.1.2.13
        7f2fa61c7000-7f2fa61da000 r-xp 00003000 fe:00 340072                     /usr/lib/x86_64-linux-gnu/libz.so.1.2.13
        7f2fa61f6000-7f2fa61f7000 r--p 00000000 fe:00 338944                     /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
        7f2fa61f7000-7f2fa621d000 r-xp 00001000 fe:00 338944                     /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
        7ffd0a1c4000-7ffd0a1e5000 rw-p 00000000 00:00 0                          [stack]
        7ffd0a1f7000-7ffd0a1f9000 r-xp 00000000 00:00 0                          [vdso]
        """;

    private static final String GLIBC_AARCH64_JVM =
        """
        aaaad3a40000-aaaad3a41000 r-xp 00000000 103:02 1835221                   /usr/lib/jvm/java-21-openjdk-arm64/bin/java
        ffff8c400000-ffff8d5c0000 r-xp 00000000 103:02 1835318                   /usr/lib/jvm/java-21-openjdk-arm64/lib/server/libjvm.so
        ffff8d7a0000-ffff8d928000 r-xp 00000000 103:02 1311022                   /usr/lib/aarch64-linux-gnu/libc.so.6
        ffff8d928000-ffff8d937000 ---p 00188000 103:02 1311022                   /usr/lib/aarch64-linux-gnu/libc.so.6
        ffff8d9b0000-ffff8d9db000 r-xp 00000000 103:02 1310985                   /usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1
        ffffd6a10000-ffffd6a31000 rw-p 00000000 00:00 0                          [stack]
        """;

    private static final String OLD_GLIBC_JVM =
        """
        7f1c2a1e0000-7f1c2a3c7000 r-xp 00000000 08:01 1048621                    /lib/x86_64-linux-gnu/libc-2.27.so
        7f1c2a5d1000-7f1c2a5fa000 r-xp 00000000 08:01 1048597                    /lib/x86_64-linux-gnu/ld-2.27.so
        """;

    private static final String MUSL_X86_64_JVM_ON_ALPINE =
        """
        55d4f6e1c000-55d4f6e1d000 r--p 00000000 00:2a 2628420                    /usr/lib/jvm/java-17-openjdk/bin/java
        55d4f6e1d000-55d4f6e1e000 r-xp 00001000 00:2a 2628420                    /usr/lib/jvm/java-17-openjdk/bin/java
        7f0e5a800000-7f0e5aa4c000 r--p 00000000 00:2a 2628519                    /usr/lib/jvm/java-17-openjdk/lib/server/libjvm.so
        7f0e5aa4c000-7f0e5b7b5000 r-xp 0024c000 00:2a 2628519                    /usr/lib/jvm/java-17-openjdk/lib/server/libjvm.so
        7f0e5bd1f000-7f0e5bd2b000 r--p 00000000 00:2a 2627970                    /lib/libz.so.1.3.1
        7f0e5bd2b000-7f0e5bd3f000 r-xp 0000c000 00:2a 2627970                    /lib/libz.so.1.3.1
        7f0e5bd66000-7f0e5bd7a000 r--p 00000000 00:2a 2627915                    /lib/ld-musl-x86_64.so.1
        7f0e5bd7a000-7f0e5bdc6000 r-xp 00014000 00:2a 2627915                    /lib/ld-musl-x86_64.so.1
        7f0e5bdc6000-7f0e5bdfc000 r--p 00060000 00:2a 2627915                    /lib/ld-musl-x86_64.so.1
        7f0e5bdfc000-7f0e5bdfe000 rw-p 00095000 00:2a 2627915                    /lib/ld-musl-x86_64.so.1
        7ffcb7b95000-7ffcb7bb6000 rw-p 00000000 00:00 0                          [stack]
        """;

    private static final String MUSL_AARCH64_JVM_ON_ALPINE =
        """
        aaaab0e30000-aaaab0e31000 r-xp 00000000 00:2b 1051                       /usr/lib/jvm/java-21-openjdk/bin/java
        ffff9ea00000-ffff9fb20000 r-xp 00000000 00:2b 1311                       /usr/lib/jvm/java-21-openjdk/lib/server/libjvm.so
        ffffa0150000-ffffa01f0000 r-xp 00000000 00:2b 211                        /lib/ld-musl-aarch64.so.1
        ffffa0200000-ffffa0202000 rw-p 000a0000 00:2b 211                        /lib/ld-musl-aarch64.so.1
        """;

    /** A musl program on Debian (captured): musl's libc under its real name, libc.so. */
    private static final String MUSL_PROGRAM_ON_DEBIAN =
        """
        564edb17d000-564edb17e000 r-xp 00001000 fe:00 2189485                    /tmp/musltest/maps
        7fcb98171000-7fcb98173000 r-xp 00000000 00:00 0                          [vdso]
        7fcb98173000-7fcb98188000 r--p 00000000 fe:00 1565182                    /usr/lib/x86_64-linux-musl/libc.so
        7fcb98188000-7fcb981eb000 r-xp 00015000 fe:00 1565182                    /usr/lib/x86_64-linux-musl/libc.so
        7fcb981eb000-7fcb9821e000 r--p 00078000 fe:00 1565182                    /usr/lib/x86_64-linux-musl/libc.so
        """;

    @Test
    void aGlibcJvmOnX86_64IsGlibc() {
      LibcEvidence libc = fromMaps(GLIBC_X86_64_JVM);
      assertEquals(Libc.GLIBC, libc.libc());
      assertEquals("/usr/lib/x86_64-linux-gnu/libc.so.6 is mapped into this JVM", libc.reason());
    }

    @Test
    void aGlibcJvmOnAarch64IsGlibc() {
      assertEquals(Libc.GLIBC, fromMaps(GLIBC_AARCH64_JVM).libc());
    }

    @Test
    void anOldGlibcWithVersionedFileNamesIsGlibc() {
      assertEquals(Libc.GLIBC, fromMaps(OLD_GLIBC_JVM).libc());
    }

    @Test
    void aMuslJvmOnX86_64IsMusl() {
      LibcEvidence libc = fromMaps(MUSL_X86_64_JVM_ON_ALPINE);
      assertEquals(Libc.MUSL, libc.libc());
      assertEquals("/lib/ld-musl-x86_64.so.1 is mapped into this JVM", libc.reason());
    }

    @Test
    void aMuslJvmOnAarch64IsMusl() {
      assertEquals(Libc.MUSL, fromMaps(MUSL_AARCH64_JVM_ON_ALPINE).libc());
      assertEquals(
          "linux-aarch64-musl",
          NativePlatform.of("Linux", "aarch64", null, () -> fromMaps(MUSL_AARCH64_JVM_ON_ALPINE)).folder());
    }

    @Test
    void muslUnderItsPlainNameLibcSoIsMusl() {
      assertEquals(Libc.MUSL, fromMaps(MUSL_PROGRAM_ON_DEBIAN).libc());
    }

    @Test
    void aGlibcJvmThatReadsTheMuslLoaderAsDataIsStillGlibc() {
      // a file mapped for reading (a FileChannel.map of the loader, say) is no C library in use
      String maps =
          GLIBC_X86_64_JVM
              + "7f2fa7000000-7f2fa7095000 r--s 00000000 fe:00 1565182                    /usr/lib/x86_64-linux-musl/libc.so\n"
              + "7f2fa7100000-7f2fa7195000 r--p 00000000 fe:00 1565183                    /lib/ld-musl-x86_64.so.1\n";
      assertEquals(Libc.GLIBC, fromMaps(maps).libc());
    }

    @Test
    void aMuslProcessWithGcompatsGlibcNamedLoaderIsStillMusl() {
      String maps =
          MUSL_X86_64_JVM_ON_ALPINE
              + "7f0e5be00000-7f0e5be02000 r-xp 00000000 00:2a 2627999                    /lib/ld-linux-x86-64.so.2\n"
              + "7f0e5be10000-7f0e5be13000 r-xp 00000000 00:2a 2628000                    /lib/libgcompat.so.0\n";
      assertEquals(Libc.MUSL, fromMaps(maps).libc());
    }

    @Test
    void mapsNamingNeitherLibraryGiveNothing() {
      assertNull(fromMaps(""));
      assertNull(
          fromMaps(
              "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/static-program\n"
                  + "garbage line\n\n7ffd0a1f7000-7ffd0a1f9000 r-xp 00000000 00:00 0  [vdso]\n"));
    }

    @Test
    void pathsWithSpacesAndDeletedFilesAreRead() {
      LibcEvidence libc =
          fromMaps("7f0e5bd7a000-7f0e5bdc6000 r-xp 00014000 00:2a 2627915   /opt/my root/lib/ld-musl-x86_64.so.1 (deleted)\n");
      assertEquals(Libc.MUSL, libc.libc());
      assertEquals("/opt/my root/lib/ld-musl-x86_64.so.1 is mapped into this JVM", libc.reason());
    }

    @Test
    void loaderAndLibcFileNamesAreClassified() {
      for (String musl :
          new String[] {
            "/lib/ld-musl-x86_64.so.1", "/lib/ld-musl-aarch64.so.1", "/lib/libc.musl-x86_64.so.1",
            "/usr/lib/x86_64-linux-musl/libc.so", "/usr/lib/libc.so", "/lib/ld-musl-riscv64-sf.so.1"
          }) {
        assertEquals(Libc.MUSL, NativePlatform.libcOfFile(musl), musl);
      }
      for (String glibc :
          new String[] {
            "/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1", "/lib/ld-linux-armhf.so.3",
            "/lib/ld-linux.so.2", "/lib/ld-linux-riscv64-lp64d.so.1", "/lib64/ld64.so.2",
            "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libc-2.31.so",
            "/lib/x86_64-linux-gnu/ld-2.31.so"
          }) {
        assertEquals(Libc.GLIBC, NativePlatform.libcOfFile(glibc), glibc);
      }
      for (String other :
          new String[] {"/usr/lib/libz.so.1", "/usr/lib/libcrypto.so.3", "libc.so.7", "/lib/libgcompat.so.0", ""}) {
        assertNull(NativePlatform.libcOfFile(other), other);
      }
    }

    @Test
    void thisGlibcJvmGetsJnasFolder() {
      assumeTrue(thisJvmIsAGlibcProgram(), "this JVM is no glibc program");
      NativePlatform platform = NativePlatform.current();
      assertEquals(Libc.GLIBC, platform.libc(), platform.description());
      assertEquals(Platform.RESOURCE_PREFIX, platform.folder());
      assertTrue(platform.description().contains("is mapped into this JVM"), platform.description());
    }

    @Test
    void thisGlibcJvmIsGlibcWhereMuslIsInstalledToo() {
      assumeTrue(thisJvmIsAGlibcProgram(), "this JVM is no glibc program");
      // Debian's musl package puts musl's loader here, next to glibc's
      assumeTrue(
          Files.exists(Paths.get("/lib/ld-musl-x86_64.so.1"))
              || Files.exists(Paths.get("/lib/ld-musl-aarch64.so.1")),
          "musl is not installed");
      assertEquals(Libc.GLIBC, NativePlatform.current().libc());
    }

    private boolean thisJvmIsAGlibcProgram() {
      if (!Platform.isLinux()) {
        return false;
      }
      ByteBuffer exe = ExecutableHeader.read(Paths.get("/proc/self/exe"));
      String interpreter = exe == null ? null : ExecutableHeader.elfInterpreter(exe);
      return interpreter != null && NativePlatform.libcOfFile(interpreter) == Libc.GLIBC;
    }
  }
}
