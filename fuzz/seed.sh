#!/bin/sh
# Fills fuzz/corpus/TARGET with the seed inputs of every target: the project's and
# the fixtures' reports (front_matter, layout, render, site), the settings files
# (settings), and the signed commits of fuzz/seeds/signatures (signatures).
# Inputs that once crashed a target (fuzz/regressions/TARGET) are seeds too, so
# every run replays them first.
set -eu
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
seed() { # TARGET FILE...
    target=$1; shift
    mkdir -p "$fuzz/corpus/$target"
    for file in "$@"; do
        [ -f "$file" ] && cp "$file" "$fuzz/corpus/$target/$(cksum < "$file" | cut -d' ' -f1)"
    done
    return 0
}
reports=$(find "$root/reports" "$root/tests/fixtures" "$root/templates" -name '*.md' | sort)
for target in front_matter layout render site; do
    # shellcheck disable=SC2086
    seed "$target" $reports
done
# shellcheck disable=SC2046
seed settings $(find "$root/tests/fixtures" "$root/src/scaffold" "$fuzz/keys" -name '*.yaml' | sort) "$root/xinbao.yaml"
# shellcheck disable=SC2046
seed signatures $(find "$fuzz/seeds/signatures" -type f | sort)
for dir in "$fuzz"/regressions/*/; do
    [ -d "$dir" ] || continue
    # shellcheck disable=SC2046
    seed "$(basename "$dir")" $(find "$dir" -type f | sort)
done
for dir in "$fuzz"/corpus/*/; do
    echo "$(basename "$dir"): $(ls "$dir" | wc -l) seeds"
done
