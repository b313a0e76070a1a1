#!/bin/sh
# One report at the size limit with 75,000 links, checked with every output
# format (ISSUE: positions must be linear, not quadratic).
#   bench/links.sh [XINBAO_BINARY]   (default: target/release/xinbao)
set -eu
bin=${1:-"${CARGO_TARGET_DIR:-target}/release/xinbao"}
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/reports/2026/03"
cp "$here/xinbao.yaml" "$dir/"
git -C "$dir" init -q
make_report() { # $1: the link line
  file="$dir/reports/2026/03/2026-03-02-links.md"
  printf -- '---\ntitle: 县发改局召开链接测试会\ncategory: work\nunit: 投资科\nauthor: 张三\nphone: "13800000000"\noccurred_at: 2026-03-02T09:00:00+08:00\nsubmitted_at: 2026-03-02T17:40:00+08:00\n---\n\n' >"$file"
  yes "$1" | head -n 75000 >>"$file"
  echo "$(wc -c <"$file") bytes, 75000 × '$1'"
}
run() { /usr/bin/time -f "  $1: %e s, %M KB" "$bin" --root "$dir" check $2 >/dev/null 2>"$dir/time" || true; tail -1 "$dir/time"; }
make_report '[ab](c.md) x'
run "human (no findings)" ""
make_report '[a](/c.md)'
for format in human json github sarif; do run "$format (75,000 findings)" "--format $format"; done
