#!/bin/sh
# Worst-case reports at the 1 MiB size limit (examples/hostile.rs), each checked
# and rendered to DOCX and PDF on its own: wall time and peak memory.
#   bench/hostile.sh [XINBAO_BINARY]   (default: target/release/xinbao)
# Builds the generator with cargo; the binary must be a release build.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$here/target}
bin=${1:-"$target/release/xinbao"}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(cd "$here" && cargo run --quiet --release --example hostile -- "$dir" >"$dir/cases")
echo "| case | size | check | check peak | render (DOCX + PDF) | render peak | findings |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
while read -r case; do
  repo="$dir/$case"
  file="reports/2026/03/2026-03-02-$case.md"
  size=$(wc -c <"$repo/$file")
  /usr/bin/time -f "%e %M" "$bin" --root "$repo" check --format json >"$dir/out.json" 2>"$dir/check.time" || true
  findings=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['diagnostics']))" "$dir/out.json" 2>/dev/null || echo "?")
  read -r ct cm <<EOT
$(tail -1 "$dir/check.time")
EOT
  /usr/bin/time -f "%e %M" "$bin" --root "$repo" render "$repo/$file" --docx "$dir/out.docx" --pdf "$dir/out.pdf" >/dev/null 2>"$dir/render.time" || true
  read -r rt rm <<EOT
$(tail -1 "$dir/render.time")
EOT
  echo "| $case | $size | ${ct} s | $((cm / 1024)) MB | ${rt} s | $((rm / 1024)) MB | $findings |"
done <"$dir/cases"
