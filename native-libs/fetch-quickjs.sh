#!/bin/sh
# Fetches and verifies the QuickJS 2025-04-26 release source and prints the folder that holds
# it (one line on standard output; messages go to standard error). native-libs/build.sh builds
# from it; bench/build-qjs.sh, build-all.sh's reproducibility build and anything else that needs
# the source call it too.
#
# Usage: sh native-libs/fetch-quickjs.sh [--cache-root DIR] [--origin-file FILE] [<work-dir>]
#
#   --cache-root DIR    the cache folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/quickjs-jsr223;
#                       build.sh passes its own, which may have fallen back elsewhere)
#   --origin-file FILE  also write where the source came from (one line) into FILE
#   <work-dir>          where a source that cannot live in the cache is put: a $QUICKJS_SRC
#                       tarball unpacked, or a download when the cache is not writable (default:
#                       a new folder under ${TMPDIR:-/tmp}, left for the caller when used)
#
# Source, first that works:
#   1. $QUICKJS_SRC: an unpacked release directory or a .tar.xz/.tar.gz/.tgz (used in place,
#      or unpacked into <work-dir>; never cached)
#   2. <cache-root>/quickjs-2025.04.26/, the verified copy of an earlier fetch
#   3. the upstream release tarball (curl or wget)
#   4. Debian's source package `quickjs` from the trixie suite, fetched with
#      apt-get through a temporary deb-src list (the mirror comes from the
#      machine's own apt configuration; the machine's apt state is untouched)
# Whatever the source, every file we use is checked against the SHA-256 manifest
# native-libs/quickjs.sha256 (and Debian's tarball as a whole against its pinned SHA-256); a
# fetched source is cached in <cache-root>/quickjs-2025.04.26/ (moved there atomically).
# The verified tree is never changed: build.sh applies native-libs/patches/ to a copy.
# POSIX sh (runs under dash).

set -eu

QJS_VERSION=2025-04-26
QJS_DEB_VERSION=2025.04.26
QJS_UPSTREAM_URL="https://bellard.org/quickjs/quickjs-$QJS_VERSION.tar.xz"
QJS_DEB_ORIG="quickjs_$QJS_DEB_VERSION.orig.tar.xz"
QJS_DEB_ORIG_SHA256=ec81da5b3249ed648dbc7df4a1654988910e66a118d9b71cb63534216efcfbbe
QJS_DEB_SUITE=trixie
DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

SCRIPT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
LOG_TAG=quickjs-native
# log, die, have
. "$SCRIPT_DIR/lib.sh"

# the pinned per-file SHA-256 of the release (sha256sum's format)
QJS_MANIFEST=$(cat "$SCRIPT_DIR/quickjs.sha256") || die "cannot read $SCRIPT_DIR/quickjs.sha256"
QJS_MANIFEST_FILES=$(printf '%s\n' "$QJS_MANIFEST" | awk '{ print $2 }')

# ------------------------------------------------------------- arguments ---

CACHE_ROOT=''
ORIGIN_FILE=''
WORK=''
while [ $# -gt 0 ]; do
    case $1 in
        --cache-root) [ $# -ge 2 ] || die "--cache-root needs a folder"; CACHE_ROOT=$2; shift 2 ;;
        --origin-file) [ $# -ge 2 ] || die "--origin-file needs a file"; ORIGIN_FILE=$2; shift 2 ;;
        -*) echo "usage: sh native-libs/fetch-quickjs.sh [--cache-root DIR] [--origin-file FILE] [<work-dir>]" >&2; exit 2 ;;
        *) [ -z "$WORK" ] || { echo "usage: sh native-libs/fetch-quickjs.sh [--cache-root DIR] [--origin-file FILE] [<work-dir>]" >&2; exit 2; }
           WORK=$1; shift ;;
    esac
done
if [ -z "$CACHE_ROOT" ]; then
    if [ -n "${XDG_CACHE_HOME:-}" ]; then CACHE_ROOT=$XDG_CACHE_HOME/quickjs-jsr223
    elif [ -n "${HOME:-}" ]; then CACHE_ROOT=$HOME/.cache/quickjs-jsr223
    fi
fi
# without a writable cache, a fetched source stays in <work-dir>
if [ -n "$CACHE_ROOT" ] && ! mkdir -p "$CACHE_ROOT" 2>/dev/null; then
    log "cache $CACHE_ROOT is not writable"
    CACHE_ROOT=''
fi
if [ -n "$CACHE_ROOT" ]; then
    CACHE_ROOT=$(CDPATH='' cd -- "$CACHE_ROOT" && pwd -P)
    SRC_CACHE=$CACHE_ROOT/quickjs-$QJS_DEB_VERSION
else
    SRC_CACHE=''
fi

# ---------------------------------------------------------------- helpers ---

TMP_ROOT=''
WORK_MADE=false
QJS_DIR=''
CLEANUP_PATHS=''
cleanup() {
    if [ -n "$CLEANUP_PATHS" ]; then
        # shellcheck disable=SC2086  # paths are created by us, without spaces
        rm -rf $CLEANUP_PATHS 2>/dev/null || :
    fi
    if [ -n "$TMP_ROOT" ]; then rm -rf "$TMP_ROOT" 2>/dev/null || :; fi
    # a work folder we made and the result does not live in
    if [ "$WORK_MADE" = true ]; then
        case $QJS_DIR in "$WORK"/*) ;; *) rm -rf "$WORK" 2>/dev/null || : ;; esac
    fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "$WORK" ]; then
    mkdir -p -- "$WORK" || die "cannot create directory '$WORK'"
    WORK=$(CDPATH='' cd -- "$WORK" && pwd -P)
else
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/quickjs-src.XXXXXX") || die "mktemp failed"
    WORK_MADE=true
fi
TMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/quickjs-fetch.XXXXXX") || die "mktemp failed"

SHA_CMD=''
if have sha256sum; then SHA_CMD='sha256sum'
elif have shasum; then SHA_CMD='shasum -a 256'
else die "neither sha256sum nor shasum found: install coreutils (or perl's shasum)"
fi

# sha256 of stdin
sha256_stdin() {
    s_out=$($SHA_CMD) || return 1
    printf '%s\n' "${s_out%% *}"
}
sha256_file() { sha256_stdin <"$1"; }

# verify_tree DIR: checks DIR against QJS_MANIFEST. On failure sets VERIFY_BAD
# to a human-readable list of the offending files and returns 1.
VERIFY_BAD=''
verify_tree() {
    VERIFY_BAD=''
    vt_present=''
    for vt_f in $QJS_MANIFEST_FILES; do
        if [ -f "$1/$vt_f" ]; then
            vt_present="$vt_present $vt_f"
        else
            VERIFY_BAD="$VERIFY_BAD $vt_f(missing)"
        fi
    done
    if [ -n "$vt_present" ]; then
        # shellcheck disable=SC2086
        vt_actual=$(cd "$1" && $SHA_CMD $vt_present 2>/dev/null) || :
        vt_wrong=$(printf '%s\n' "$vt_actual" | awk -v manifest="$QJS_MANIFEST" '
            BEGIN { n = split(manifest, lines, "\n")
                    for (i = 1; i <= n; i++) { split(lines[i], p, " "); want[p[2]] = p[1] } }
            { name = $2; sub(/^\*/, "", name); got[name] = $1 }
            END { for (f in want) if ((f in got) && got[f] != want[f]) printf " %s(sha256 mismatch)", f }')
        VERIFY_BAD="$VERIFY_BAD$vt_wrong"
    fi
    [ -z "$VERIFY_BAD" ]
}

# find_qjs_top DIR: prints DIR or its single-level subdirectory that holds quickjs.h
find_qjs_top() {
    if [ -f "$1/quickjs.h" ]; then printf '%s\n' "$1"; return 0; fi
    for ft_d in "$1"/*/; do
        if [ -f "${ft_d}quickjs.h" ]; then printf '%s\n' "${ft_d%/}"; return 0; fi
    done
    return 1
}

XZ_HINT=''
# unpack_tarball FILE DESTDIR
unpack_tarball() {
    mkdir -p "$2"
    case $1 in
        *.tar.xz|*.txz)
            if ! have xz; then
                XZ_HINT=' (xz is missing: apt-get install xz-utils)'
                log "cannot unpack $1: xz not found (Debian package: xz-utils)"
                return 1
            fi
            xz -dc -- "$1" >"$2.tar" || return 1 ;;
        *.tar.gz|*.tgz)
            gzip -dc -- "$1" >"$2.tar" || return 1 ;;
        *.tar)
            cp -- "$1" "$2.tar" || return 1 ;;
        *) log "unsupported archive type: $1"; return 1 ;;
    esac
    (cd "$2" && tar -xf ../"${2##*/}.tar") || { rm -f "$2.tar"; return 1; }
    rm -f "$2.tar"
}

# ---------------------------------------------------------------- source ---

QJS_ORIGIN=''

# install_fetched TREE ORIGIN: TREE was verified; move it into the cache (atomically) and point
# QJS_DIR at the result, or, when the cache cannot take it, into <work-dir>.
install_fetched() {
    QJS_DIR=$1
    QJS_ORIGIN=$2
    if [ -n "$SRC_CACHE" ]; then
        if [ -e "$SRC_CACHE" ]; then
            old=$CACHE_ROOT/.old.$$
            CLEANUP_PATHS="$CLEANUP_PATHS $old"
            mv "$SRC_CACHE" "$old" 2>/dev/null || :
        fi
        if [ ! -e "$SRC_CACHE" ] && mv "$1" "$SRC_CACHE" 2>/dev/null && [ -f "$SRC_CACHE/quickjs.h" ]; then
            QJS_DIR=$SRC_CACHE
            log "cached verified QuickJS source in $SRC_CACHE"
            return 0
        fi
    fi
    if [ -n "$SRC_CACHE" ]; then log "could not write the source cache $SRC_CACHE (building from a temporary copy)"
    else log "no writable cache for the source (building from a temporary copy in $WORK)"
    fi
    # the staging folder goes away when this script ends: the tree moves to <work-dir>
    if_dest=$WORK/quickjs-$QJS_DEB_VERSION
    rm -rf "$if_dest"
    mv "$1" "$if_dest" || die "cannot move the verified source into $WORK"
    QJS_DIR=$if_dest
}

# staging dir for unpacking fetched tarballs: on the cache's filesystem so the
# final mv is an atomic rename.
# Sets STAGE.
STAGE=''
staging_dir() {
    if [ -n "$CACHE_ROOT" ] && STAGE=$(mktemp -d "$CACHE_ROOT/.incoming.XXXXXX" 2>/dev/null); then
        CLEANUP_PATHS="$CLEANUP_PATHS $STAGE"
    else
        STAGE=$(mktemp -d "$TMP_ROOT/incoming.XXXXXX")
    fi
}

FAIL_REASONS=''

# a. $QUICKJS_SRC
if [ -n "${QUICKJS_SRC:-}" ]; then
    if [ -d "$QUICKJS_SRC" ]; then
        QJS_DIR=$(find_qjs_top "$QUICKJS_SRC") || die "QUICKJS_SRC=$QUICKJS_SRC: no quickjs.h in it (expected the unpacked quickjs-$QJS_VERSION release)"
        QJS_ORIGIN="QUICKJS_SRC=$QUICKJS_SRC"
    elif [ -f "$QUICKJS_SRC" ]; then
        case $QUICKJS_SRC in
            *.tar.xz|*.txz|*.tar.gz|*.tgz|*.tar) ;;
            *) die "QUICKJS_SRC=$QUICKJS_SRC: not a directory nor a .tar.xz/.tar.gz/.tgz tarball" ;;
        esac
        unpack_tarball "$QUICKJS_SRC" "$WORK/qsrc" || die "QUICKJS_SRC=$QUICKJS_SRC: cannot unpack$XZ_HINT"
        QJS_DIR=$(find_qjs_top "$WORK/qsrc") || die "QUICKJS_SRC=$QUICKJS_SRC: no quickjs.h in the tarball"
        QJS_ORIGIN="QUICKJS_SRC=$QUICKJS_SRC"
    else
        die "QUICKJS_SRC=$QUICKJS_SRC: no such file or directory"
    fi
    verify_tree "$QJS_DIR" || die "QuickJS source from $QJS_ORIGIN does not match the $QJS_VERSION manifest:$VERIFY_BAD"
fi

# b. home cache
if [ -z "$QJS_DIR" ] && [ -d "$SRC_CACHE" ]; then
    if verify_tree "$SRC_CACHE"; then
        QJS_DIR=$SRC_CACHE
        QJS_ORIGIN="cache $SRC_CACHE"
    else
        log "cached source $SRC_CACHE is corrupt ($VERIFY_BAD ); fetching again"
    fi
fi

# Both fetched tarballs (upstream's and Debian's) are .tar.xz.
if [ -z "$QJS_DIR" ] && ! have xz; then
    die "xz is missing, needed to unpack the downloaded QuickJS source: apt-get install xz-utils (or set QUICKJS_SRC to an unpacked quickjs-$QJS_VERSION directory)"
fi

# c. upstream tarball
if [ -z "$QJS_DIR" ]; then
    up_file=$TMP_ROOT/quickjs-$QJS_VERSION.tar.xz
    up_ok=false
    if have curl; then
        if curl -fsSL --connect-timeout 5 --max-time 60 -o "$up_file" "$QJS_UPSTREAM_URL" 2>"$TMP_ROOT/curl.err"; then
            up_ok=true
        else
            log "upstream download failed ($(tail -n 1 "$TMP_ROOT/curl.err")); trying Debian's source package"
        fi
    elif have wget; then
        if wget -q -T 5 -t 1 -O "$up_file" "$QJS_UPSTREAM_URL" 2>"$TMP_ROOT/wget.err"; then
            up_ok=true
        else
            log "upstream download failed (wget); trying Debian's source package"
        fi
    else
        log "neither curl nor wget found; trying Debian's source package"
    fi
    if $up_ok; then
        staging_dir
        if unpack_tarball "$up_file" "$STAGE/u" && top=$(find_qjs_top "$STAGE/u"); then
            if verify_tree "$top"; then
                install_fetched "$top" "$QJS_UPSTREAM_URL"
            else
                log "upstream tarball does not match the manifest:$VERIFY_BAD; trying Debian's source package"
                FAIL_REASONS="$FAIL_REASONS; upstream tarball mismatches manifest"
            fi
        else
            log "upstream tarball could not be unpacked; trying Debian's source package"
            FAIL_REASONS="$FAIL_REASONS; upstream tarball unusable$XZ_HINT"
        fi
    else
        FAIL_REASONS="$FAIL_REASONS; upstream download failed"
    fi
fi

# d. Debian source package, through a temporary deb-src list
# debian_mirror, apt_err and apt_update_failed: native-libs/debian-apt.sh
. "$SCRIPT_DIR/debian-apt.sh"

fetch_debian() {
    if ! have apt-get; then
        FAIL_REASONS="$FAIL_REASONS; apt-get not available for Debian's source package"
        log "apt-get not found; cannot fetch Debian's source package"
        return 1
    fi
    if ! fd_mirror=$(debian_mirror); then
        FAIL_REASONS="$FAIL_REASONS; no Debian mirror in the apt configuration"
        log "no Debian archive found in /etc/apt/sources.list{,.d}; cannot fetch Debian's source package"
        return 1
    fi
    fd_apt=$TMP_ROOT/apt
    mkdir -p "$fd_apt/lists/partial" "$fd_apt/cache/archives/partial" "$fd_apt/dl"
    fd_opts="-q -o Dir::Etc::SourceList=$fd_apt/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$fd_apt/lists -o Dir::Cache=$fd_apt/cache"
    if [ -f "$DEBIAN_KEYRING" ]; then fd_signed="signed-by=$DEBIAN_KEYRING"; else fd_signed="trusted=yes"; fi
    printf 'deb-src [%s] %s %s main\n' "$fd_signed" "$fd_mirror" "$QJS_DEB_SUITE" >"$fd_apt/sources.list"
    log "fetching Debian source package quickjs ($QJS_DEB_SUITE) from the Debian mirror in the apt configuration"
    # shellcheck disable=SC2086
    if ! apt-get $fd_opts update >"$fd_apt/update.log" 2>&1 || apt_update_failed "$fd_apt/update.log"; then
        if [ "$fd_signed" != "trusted=yes" ] && grep -qE 'NO_PUBKEY|EXPKEYSIG|GPG error|is not signed|signature' "$fd_apt/update.log"; then
            # The SHA-256 checks below are what we rely on; a keyring lacking
            # the suite's key must not stop us.
            printf 'deb-src [trusted=yes] %s %s main\n' "$fd_mirror" "$QJS_DEB_SUITE" >"$fd_apt/sources.list"
            # shellcheck disable=SC2086
            apt-get $fd_opts update >"$fd_apt/update.log" 2>&1 || :
        fi
        if apt_update_failed "$fd_apt/update.log"; then
            FAIL_REASONS="$FAIL_REASONS; apt-get update of $QJS_DEB_SUITE sources failed: $(apt_err "$fd_apt/update.log")"
            log "apt-get update failed: $(apt_err "$fd_apt/update.log")"
            return 1
        fi
    fi
    # shellcheck disable=SC2086
    fd_versions=$(apt-cache $fd_opts showsrc quickjs 2>/dev/null | awk '$1 == "Version:" { print $2 }') || :
    fd_version=$(printf '%s\n' "$fd_versions" | grep "^$QJS_DEB_VERSION-" | sed -n 1p) || :
    if [ -z "$fd_version" ]; then
        fd_versions=$(printf '%s' "$fd_versions" | tr '\n' ' ')
        FAIL_REASONS="$FAIL_REASONS; Debian $QJS_DEB_SUITE has no quickjs $QJS_DEB_VERSION-* (found: $fd_versions)"
        log "Debian $QJS_DEB_SUITE has no quickjs $QJS_DEB_VERSION-* source (found: $fd_versions)"
        return 1
    fi
    # shellcheck disable=SC2086
    if ! (cd "$fd_apt/dl" && apt-get $fd_opts source --download-only "quickjs=$fd_version") >"$fd_apt/source.log" 2>&1 \
        || [ ! -f "$fd_apt/dl/$QJS_DEB_ORIG" ]; then
        FAIL_REASONS="$FAIL_REASONS; apt-get source quickjs=$fd_version failed: $(apt_err "$fd_apt/source.log")"
        log "apt-get source quickjs=$fd_version failed: $(apt_err "$fd_apt/source.log")"
        return 1
    fi
    fd_sum=$(sha256_file "$fd_apt/dl/$QJS_DEB_ORIG")
    if [ "$fd_sum" != "$QJS_DEB_ORIG_SHA256" ]; then
        FAIL_REASONS="$FAIL_REASONS; $QJS_DEB_ORIG from the Debian mirror has SHA-256 $fd_sum, expected $QJS_DEB_ORIG_SHA256"
        log "$QJS_DEB_ORIG from the Debian mirror has the wrong SHA-256 ($fd_sum)"
        return 1
    fi
    staging_dir
    if ! unpack_tarball "$fd_apt/dl/$QJS_DEB_ORIG" "$STAGE/d" || ! fd_top=$(find_qjs_top "$STAGE/d"); then
        FAIL_REASONS="$FAIL_REASONS; cannot unpack $QJS_DEB_ORIG$XZ_HINT"
        return 1
    fi
    if ! verify_tree "$fd_top"; then
        die "QuickJS source from Debian's $QJS_DEB_ORIG (quickjs=$fd_version) does not match the $QJS_VERSION manifest:$VERIFY_BAD"
    fi
    install_fetched "$fd_top" "Debian source package quickjs=$fd_version"
}

if [ -z "$QJS_DIR" ]; then
    fetch_debian || :
fi

if [ -z "$QJS_DIR" ]; then
    die "could not obtain the QuickJS $QJS_VERSION source (${FAIL_REASONS#; }). Set QUICKJS_SRC to the unpacked quickjs-$QJS_VERSION release or its .tar.xz."
fi

[ -z "$ORIGIN_FILE" ] || printf '%s\n' "$QJS_ORIGIN" >"$ORIGIN_FILE" || die "cannot write $ORIGIN_FILE"
printf '%s\n' "$QJS_DIR"
