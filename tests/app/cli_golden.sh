#!/bin/bash
# Runs every command of golden/commands.txt and compares its output (stdout, stderr, exit code and
# any file it writes) byte for byte with golden/NAME.*: the restructurings keep the CLI's numbers.
# Usage: cli_golden.sh BATCHSCOPE_EXE SOURCE_DIR [--update]
set -u
exe=$1 src=$2 update=${3:-}
golden=$src/tests/app/golden
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
export LC_ALL=C QT_QPA_PLATFORM=offscreen BATCHSCOPE_PRESET_DIR=$src/presets XDG_RUNTIME_DIR=$work
failed=0
while IFS=$'\t' read -r name args; do
    [[ -z $name || $name == \#* ]] && continue
    args=${args//@SRC@/$src}
    read -r -a argv <<<"$args"
    (cd "$work" && "$exe" "${argv[@]}" >"$work/$name.out" 2>"$work/$name.err"; echo "exit $?" >>"$work/$name.err")
    for f in "$work"/sweep.csv "$work"/layers.csv "$work"/report.html; do
        [[ -f $f ]] || continue
        grep -v -E 'Generated [0-9]{4}-[0-9]{2}-[0-9]{2}' "$f" >"$work/$name.file"
        rm -f "$f"
    done
    for kind in out err file; do
        [[ -f $work/$name.$kind ]] || continue
        sed -i "s|$src|@SRC@|g" "$work/$name.$kind"
        if [[ $update == --update ]]; then
            cp "$work/$name.$kind" "$golden/$name.$kind"
        elif ! cmp -s "$work/$name.$kind" "$golden/$name.$kind"; then
            echo "FAIL $name.$kind differs from golden:"
            diff "$golden/$name.$kind" "$work/$name.$kind" | head -20
            failed=1
        fi
    done
done <"$golden/commands.txt"
[[ $failed == 0 ]] && echo "all commands match golden/"
exit $failed
