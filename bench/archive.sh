#!/usr/bin/env bash
# The archive benchmark of BENCHMARKS.md, side by side in one run: xinbao builds the
# archive of N generated reports (default 10,000) and Hugo builds the same Markdown
# files with category, unit and month taxonomies; then one report is changed and the
# archive rebuilt; then the search index is compared with the Markdown's size.
#
#   bench/archive.sh [N] [DIR]        (needs hugo: apt-get install hugo)
set -euo pipefail
n=${1:-10000}
dir=${2:-/tmp/xinbao-bench-archive}
cd "$(dirname "$0")/.."
command -v hugo >/dev/null || { echo "hugo is not installed (apt-get install hugo)" >&2; exit 2; }
cargo build --release --quiet --bin xinbao
xinbao=$PWD/target/release/xinbao
[[ -n ${CARGO_TARGET_DIR:-} ]] && xinbao=$CARGO_TARGET_DIR/release/xinbao
mkdir -p "$dir"
[[ -d $dir/corpus ]] || cargo run --release --quiet --example gen-corpus -- "$dir/corpus" "$n"

# The same reports as a Hugo site: each report's month as a front-matter field,
# the date taken from submitted_at, minimal templates (a page per report, a list
# per section and per taxonomy term, a front page with the latest reports).
hugo_dir=$dir/hugo
rm -rf "$hugo_dir"
mkdir -p "$hugo_dir/content" "$hugo_dir/layouts/_default"
cp -r "$dir/corpus/reports" "$hugo_dir/content/"
find "$hugo_dir/content" -name '*.md' -print0 |
  xargs -0 sed -i -E 's/^submitted_at: ([0-9]{4}-[0-9]{2})(.*)$/submitted_at: \1\2\nmonth: "\1"/'
cat >"$hugo_dir/hugo.yaml" <<'YAML'
baseURL: /
disableKinds: [RSS, sitemap, robotsTXT]
taxonomies: {category: category, unit: unit, month: month}
frontmatter: {date: [submitted_at, ':default']}
YAML
cat >"$hugo_dir/layouts/_default/baseof.html" <<'HTML'
<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav><a href="/">首页</a> <a href="/category/">分类</a> <a href="/month/">日期</a> <a href="/unit/">单位</a></nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
HTML
cat >"$hugo_dir/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Params.category }} {{ .Params.unit }} {{ .Params.author }} {{ .Date.Format "2006-01-02 15:04" }}</p>{{ .Content }}</article>{{ end }}
HTML
cat >"$hugo_dir/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.unit }} {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>{{ end }}
HTML
cat >"$hugo_dir/layouts/index.html" <<'HTML'
{{ define "main" }}<h1>信息报送档案</h1><p>{{ len .Site.RegularPages }}</p><ul>{{ range first 12 .Site.RegularPages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
HTML

timed() { # label command... → prints seconds and peak memory
  local label=$1; shift
  /usr/bin/time -f "$label: %e s, %M KB peak" "$@" >/dev/null 2>"$dir/time.txt" || { cat "$dir/time.txt"; exit 1; }
  tail -1 "$dir/time.txt"
}
sync
rm -rf "$dir/site" "$dir/hugo-out" "$dir/corpus/.git/xinbao"
timed "xinbao build --only site (cold)" "$xinbao" build --drafts --only site --root "$dir/corpus" --out "$dir/site"
timed "hugo (cold)                    " hugo --quiet -s "$hugo_dir" -d "$dir/hugo-out"
timed "xinbao build --only site (warm)" "$xinbao" build --drafts --only site --root "$dir/corpus" --out "$dir/site"
timed "hugo (warm)                    " hugo --quiet -s "$hugo_dir" -d "$dir/hugo-out"
one=$(find "$dir/corpus/reports" -name '*.md' | sort | sed -n 100p)
sed -i 's/调度会/调度会议/' "$one"
timed "xinbao, one report edited      " "$xinbao" build --drafts --only site --root "$dir/corpus" --out "$dir/site"
git -C "$dir/corpus" -c user.name=bench -c user.email=bench@example.org commit -qam "one report changed"
timed "xinbao, the edit committed     " "$xinbao" build --drafts --only site --root "$dir/corpus" --out "$dir/site"
git -C "$dir/corpus" reset -q --hard HEAD^
"$xinbao" build --drafts --only site --root "$dir/corpus" --out "$dir/site" >/dev/null
markdown=$(find "$dir/corpus/reports" -name '*.md' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
index=$(du -cb "$dir/site/search" | tail -1 | cut -f1)
pages=$(find "$dir/site" -name '*.html' | wc -l)
hugo_pages=$(find "$dir/hugo-out" -name '*.html' | wc -l)
echo "pages: xinbao $pages, hugo $hugo_pages"
echo "search index: $index bytes for $markdown bytes of Markdown ($(( index * 100 / markdown ))%)"
