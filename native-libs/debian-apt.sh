#!/bin/sh
# Debian packages without touching the machine's apt state: shared by native-libs/fetch-quickjs.sh
# (QuickJS's source package) and native-libs/smoke.sh (other architectures' C libraries and
# JDK, unpacked into a folder of ours). Sourced, not run. The mirror is whatever the machine's
# own apt configuration names; logs never print its address.
#
# Needs: log, die and have as the sourcing script defines them.

DEBIAN_KEYRING=${DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}

# The machine's Debian archive (not its security suite), from deb822 .sources files or
# sources.list.
debian_mirror() {
    dm_uri=''
    for dm_f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$dm_f" ] || continue
        dm_uri=$({ cat "$dm_f"; echo; } | awk '
            function reset() { uri = ""; enabled = ""; deb = 0; sec = 0 }
            function flush() {
                if (uri != "" && enabled != "no" && deb && !sec && uri !~ /security/ && uri !~ /^cdrom:/) {
                    print uri; done = 1; exit
                }
                reset()
            }
            BEGIN { reset() }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            tolower($1) == "uris:" { uri = $2 }
            tolower($1) == "enabled:" { enabled = tolower($2) }
            tolower($1) == "suites:" {
                for (i = 2; i <= NF; i++) {
                    s = $i
                    if (s ~ /security/) sec = 1
                    sub(/-.*/, "", s)
                    if (s ~ /^(buster|bullseye|bookworm|trixie|forky|duke|sid|stable|oldstable|oldoldstable|testing|unstable|experimental)$/) deb = 1
                }
            }
            END { if (!done) flush() }')
        if [ -n "$dm_uri" ]; then printf '%s\n' "$dm_uri"; return 0; fi
    done
    if [ -f /etc/apt/sources.list ]; then
        dm_uri=$(awk '
            $1 == "deb" || $1 == "deb-src" {
                i = 2
                if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                uri = $i; suite = $(i + 1)
                if (uri ~ /^(https?|ftp):\/\// && uri ~ /\/debian\/?$/ && suite !~ /security/) { print uri; exit }
            }' /etc/apt/sources.list)
        if [ -n "$dm_uri" ]; then printf '%s\n' "$dm_uri"; return 0; fi
    fi
    return 1
}

# the most telling error line of an apt log
apt_err() {
    ae=$(grep -E 'Failed to fetch|^E:' "$1" 2>/dev/null | sed -n 1p) || :
    [ -n "$ae" ] || ae=$(grep -E '^(E|W):' "$1" 2>/dev/null | tail -n 1) || :
    # keep the mirror's address out of logs: it is the machine's configuration, not ours
    printf '%s\n' "$ae" | sed -E 's#[a-z+]+://[^ ]+#<mirror>#g'
}
# did `apt-get update` fail? (a download failure is only a warning to apt)
apt_update_failed() { grep -qE '^E:|^W: (Failed to fetch|Some index files failed)' "$1"; }

# debian_unpack ARCH DEST PACKAGE...: downloads PACKAGE... for ARCH (e.g. arm64) with every
# package they depend on, from the machine's Debian release, as if onto an empty system, and
# unpacks them under DEST (a sysroot for qemu-user: DEST/lib, DEST/usr/lib/...). Nothing is
# installed: apt's lists, status and archives are temporary. DEST/.packages records what was
# unpacked; a DEST that has it for the same request is reused.
debian_unpack() {
    du_arch=$1
    du_dest=$2
    shift 2
    du_want="$du_arch $*"
    if [ -f "$du_dest/.packages" ] && [ "$(sed -n 1p "$du_dest/.packages")" = "$du_want" ]; then
        return 0
    fi
    have apt-get || die "apt-get not found: cannot fetch Debian's $du_arch packages ($*)"
    have dpkg-deb || die "dpkg-deb not found: cannot unpack Debian's $du_arch packages ($*)"
    du_mirror=$(debian_mirror) || die "no Debian archive in /etc/apt/sources.list{,.d}: cannot fetch $du_arch packages ($*)"
    du_suite=$(. /etc/os-release 2>/dev/null && printf '%s\n' "${VERSION_CODENAME:-}")
    [ -n "$du_suite" ] || die "cannot tell this machine's Debian release (VERSION_CODENAME in /etc/os-release)"
    du_tmp=$(mktemp -d "${TMPDIR:-/tmp}/quickjs-apt.XXXXXX")
    mkdir -p "$du_tmp/lists/partial" "$du_tmp/archives/partial" "$du_tmp/cache"
    : >"$du_tmp/status"
    if [ -f "$DEBIAN_KEYRING" ]; then du_signed="signed-by=$DEBIAN_KEYRING"; else du_signed="trusted=yes"; fi
    printf 'deb [arch=%s %s] %s %s main\n' "$du_arch" "$du_signed" "$du_mirror" "$du_suite" >"$du_tmp/sources.list"
    du_opts="-q -o Dir::Etc::SourceList=$du_tmp/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$du_tmp/lists -o Dir::State::status=$du_tmp/status -o Dir::Cache=$du_tmp/cache -o Dir::Cache::archives=$du_tmp/archives -o APT::Architecture=$du_arch -o APT::Architectures=$du_arch -o Debug::NoLocking=1"
    log "fetching Debian $du_suite $du_arch packages: $*"
    # shellcheck disable=SC2086
    if ! apt-get $du_opts update >"$du_tmp/update.log" 2>&1 || apt_update_failed "$du_tmp/update.log"; then
        du_err=$(apt_err "$du_tmp/update.log")
        rm -rf "$du_tmp"
        die "apt-get update for $du_arch failed: $du_err"
    fi
    # shellcheck disable=SC2086
    if ! apt-get $du_opts install -y --download-only --no-install-recommends "$@" >"$du_tmp/install.log" 2>&1; then
        du_err=$(apt_err "$du_tmp/install.log")
        rm -rf "$du_tmp"
        die "downloading $du_arch packages ($*) failed: $du_err"
    fi
    rm -rf "$du_dest"
    mkdir -p "$du_dest"
    du_n=0
    for du_deb in "$du_tmp"/archives/*.deb; do
        [ -f "$du_deb" ] || continue
        dpkg-deb -x "$du_deb" "$du_dest" || { rm -rf "$du_tmp"; die "cannot unpack $du_deb"; }
        du_n=$((du_n + 1))
    done
    rm -rf "$du_tmp"
    [ "$du_n" -gt 0 ] || die "apt downloaded no $du_arch package for: $*"
    printf '%s\n%s package(s)\n' "$du_want" "$du_n" >"$du_dest/.packages"
    log "unpacked $du_n $du_arch package(s) into $du_dest"
}

# arm64_java CACHE_ROOT: Debian's arm64 OpenJDK 17 (unpacked under CACHE_ROOT/sysroot/arm64-jre17
# with debian_unpack) behind a launcher that runs it with qemu-aarch64; prints the launcher's path,
# which ends in bin/java as Maven's test runner wants. Child processes of that JVM start with vfork
# and exec, not through the JDK's arm64 spawn helper (which the host cannot exec without
# binfmt_misc), so a child JVM started through the same launcher is emulated too.
arm64_java() {
    aj_sysroot=$1/sysroot/arm64-jre17
    have qemu-aarch64 || die "qemu-aarch64 not found (apt-get install qemu-user)"
    debian_unpack arm64 "$aj_sysroot" openjdk-17-jre-headless
    aj_java=$aj_sysroot/usr/lib/jvm/java-17-openjdk-arm64/bin/java
    [ -x "$aj_java" ] || die "the arm64 OpenJDK package holds no $aj_java"
    aj_home=$1/sysroot/arm64-jvm-wrapper
    mkdir -p "$aj_home/bin"
    printf '#!/bin/sh\nexec qemu-aarch64 -L "%s" "%s" -Djdk.lang.Process.launchMechanism=VFORK "$@"\n' \
        "$aj_sysroot" "$aj_java" >"$aj_home/bin/java.tmp"
    chmod +x "$aj_home/bin/java.tmp"
    mv -f "$aj_home/bin/java.tmp" "$aj_home/bin/java"
    printf '%s\n' "$aj_home/bin/java"
}
