#!/bin/sh
# The shell functions the project's scripts share: messages, tool checks, the per-user cache
# folder, and the platform table (native-libs/platforms.txt). Sourced, not run:
#
#   LOG_TAG=quickjs-native            # the [tag] in front of every message (default: the script's name)
#   . "$SCRIPT_DIR/lib.sh"            # SCRIPT_DIR: this folder (native-libs)
#
# DIE_WORD (default ERROR) is the word die puts before its message. POSIX sh (runs under dash);
# bash scripts source it too.

# shellcheck disable=SC2034  # PLATFORM_TABLE is read by the sourcing scripts as well
PLATFORM_TABLE=${PLATFORM_TABLE:-${SCRIPT_DIR:?SCRIPT_DIR (the native-libs folder) must be set before sourcing lib.sh}/platforms.txt}

# log MESSAGE...: one line on standard error
log() { printf '[%s] %s\n' "${LOG_TAG:-${0##*/}}" "$*" >&2; }
# die MESSAGE...: one line on standard error, then exit 1
die() { printf '[%s] %s: %s\n' "${LOG_TAG:-${0##*/}}" "${DIE_WORD:-ERROR}" "$*" >&2; exit 1; }
# have COMMAND: true when COMMAND runs from the PATH (or is a path to a program)
have() { command -v "$1" >/dev/null 2>&1; }

# sha256_of FILE: the SHA-256 of FILE in hex
sha256_of() {
    if have sha256sum; then so_out=$(sha256sum <"$1") || return 1
    else so_out=$(shasum -a 256 <"$1") || return 1
    fi
    printf '%s\n' "${so_out%% *}"
}

# cache_root: the per-user cache folder, ${XDG_CACHE_HOME:-$HOME/.cache}/quickjs-jsr223
cache_root() {
    if [ -n "${XDG_CACHE_HOME:-}" ]; then printf '%s\n' "$XDG_CACHE_HOME/quickjs-jsr223"
    else printf '%s\n' "${HOME:?HOME or XDG_CACHE_HOME must be set}/.cache/quickjs-jsr223"
    fi
}

# ----------------------------------------------------------- platform table ---

# all_platforms: every platform of the table, in its order, on one line
all_platforms() {
    awk '/^[ \t]*(#|$)/ { next } { printf "%s%s", sep, $1; sep = " " } END { print "" }' "$PLATFORM_TABLE"
}

# platform_field PLATFORM COLUMN: one column of PLATFORM's line, by the table's column names
# (platform os cpu libc zig library format); fails for a platform the table does not list.
platform_field() {
    awk -v p="$1" -v col="$2" '
        BEGIN { n = split("platform os cpu libc zig library format", names, " ")
                for (i = 1; i <= n; i++) if (names[i] == col) c = i
                if (!c) { print "platform_field: no column " col > "/dev/stderr"; bad = 1; exit 2 } }
        /^[ \t]*(#|$)/ { next }
        $1 == p {
            if (c < n) print $c
            else { s = $0; for (i = 1; i < n; i++) sub(/^[ \t]*[^ \t]+[ \t]+/, "", s); print s }
            found = 1; exit
        }
        END { if (!bad) exit found ? 0 : 1 }' "$PLATFORM_TABLE"
}

# os_library OS: the library's file name on OS (from the table's first platform of that OS)
os_library() {
    awk -v os="$1" '
        /^[ \t]*(#|$)/ { next }
        $2 == os { print $6; found = 1; exit }
        END { exit found ? 0 : 1 }' "$PLATFORM_TABLE"
}

# jni_include: prints the include folder of a JDK (the one holding jni.h): $JAVA_HOME's, else
# that of the `java` on PATH (symbolic links resolved, as Debian's alternatives make them).
jni_include() {
    if [ -n "${JAVA_HOME:-}" ] && [ -f "$JAVA_HOME/include/jni.h" ]; then
        printf '%s\n' "$JAVA_HOME/include"
        return 0
    fi
    ji_java=$(command -v java 2>/dev/null) || return 1
    ji_real=$(readlink -f "$ji_java" 2>/dev/null || printf '%s\n' "$ji_java")
    ji_home=$(dirname "$(dirname "$ji_real")")
    if [ -f "$ji_home/include/jni.h" ]; then
        printf '%s\n' "$ji_home/include"
        return 0
    fi
    return 1
}
