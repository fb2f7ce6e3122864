#!/usr/bin/env bash
# ctest's `realworld` test: fetch the corpus, then import and check it.
# usage: realworld.sh BATCHSCOPE_BINARY DEFAULT_CACHE_DIR
# The cache is $BATCHSCOPE_REALWORLD_CACHE when set, else DEFAULT_CACHE_DIR. Exit 77 (skip)
# when the npm registry cannot be reached and the cache is incomplete.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:?usage: realworld.sh BATCHSCOPE_BINARY CACHE_DIR}
cache=${BATCHSCOPE_REALWORLD_CACHE:-${2:?usage: realworld.sh BATCHSCOPE_BINARY CACHE_DIR}}
"$here/fetch.sh" "$cache"
rc=$?
[ "$rc" -eq 0 ] || exit "$rc" # 77: skipped, with fetch.sh's one-line reason
exec "$here/run.sh" "$binary" "$cache"
