#!/bin/sh
# The clang flags that go with the release libraries' profile (native-libs/pgo/README.md), for
# making it (profile.sh, with -fprofile-generate) and using it (build.sh, with -fprofile-use).
# Sourced, not run.
#
#   -static-func-full-module-prefix=false
#       a static function's profile is named "<file name>;<function>", not after the file's full
#       path: the profile fits every checkout and the reproducibility check's second source tree
# shellcheck disable=SC2034  # used by the scripts that source this one
PGO_FLAGS='-mllvm -static-func-full-module-prefix=false'

# Only when the profile is used:
#   -disable-icp
#       no indirect call promotion: it inlined the training run's most frequent C builtins into
#       js_call_c_function and JS_CallInternal (6% of the library's size) for no measured gain
#   -pgso-lwss-only=false -pgso-cutoff-instr-prof=950000
#       code outside the hottest 95% of the training run's counts is optimized for size, as
#       -Os would (otherwise only code that never ran is): the linux-x86-64 library is 19.3%
#       larger than the unprofiled one of before issue 20 (1,353,912 bytes against 1,135,336),
#       within the 20%; at 99% it was 20.2% (1,364,600), for compute mix 1.18x and
#       Handlebars 1.22x qjs's speed against 1.17x and 1.24x at 95% (CPU time, 3 rounds)
# shellcheck disable=SC2034
PGO_USE_FLAGS='-mllvm -disable-icp -mllvm -pgso-lwss-only=false -mllvm -pgso-cutoff-instr-prof=950000'
