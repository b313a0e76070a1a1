#!/usr/bin/env bash
# The 定期整理 benchmark of BENCHMARKS.md (issue 26): a bureau whose N reports of
# 2025 (default 1,000, made from the project's own sample reports, pictures
# included, each committed when it was submitted) are approved and published with
# real keys by `xinbao approve --on-main` and `xinbao publish`; then the year's
# volume, the transfer package and its verification, each timed with its peak memory.
#
#   bench/transfer.sh [N] [DIR]
set -euo pipefail
n=${1:-1000}
dir=${2:-/tmp/xinbao-bench-transfer}
cd "$(dirname "$0")/.."
project=$PWD
cargo build --release --quiet --bin xinbao
xinbao=$PWD/target/release/xinbao
[[ -n ${CARGO_TARGET_DIR:-} ]] && xinbao=$CARGO_TARGET_DIR/release/xinbao
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
ssh-keygen -q -t ed25519 -N '' -C supervisor -f supervisor
ssh-keygen -q -t ed25519 -N '' -C office -f office
git init -q -b main repo
cd repo
export GIT_AUTHOR_NAME=张三 GIT_AUTHOR_EMAIL=zhang@example.org
export GIT_COMMITTER_NAME=张三 GIT_COMMITTER_EMAIL=zhang@example.org

# The settings: the project's units and people, 李四 supervising every unit and
# 钱七 of the office, each with the key made above.
python3 - "$project" "$dir" <<'EOF'
import re, sys
project, dir = sys.argv[1], sys.argv[2]
text = open(f"{project}/xinbao.yaml", encoding="utf-8").read()
people = text.index("people:")
limits = text.index("\nlimits:")
units = "[办公室, 投资科, 价格科, 经济运行科, 农村经济科, 能源股, 项目服务中心]"
sup = open(f"{dir}/supervisor.pub").read().strip()
office = open(f"{dir}/office.pub").read().strip()
writers = re.findall(r"  - name: (\S+)\n    unit: (\S+)\n    roles: \[writer", text)
entries = "".join(f"  - name: {n}\n    unit: {u}\n    roles: [writer]\n" for n, u in writers)
entries += f"  - name: 李四\n    unit: 办公室\n    roles: [supervisor]\n    supervises: {units}\n    keys:\n      - ssh: \"{sup}\"\n"
entries += f"  - name: 钱七\n    unit: 办公室\n    roles: [office]\n    keys:\n      - ssh: \"{office}\"\n"
text = text[:people] + "people:\n" + entries + text[limits:]
text = text.replace("effective_from: 2026-01-01", "effective_from: 2025-01-01")
open("xinbao.yaml", "w", encoding="utf-8").write(text)
EOF
GIT_AUTHOR_DATE=2025-01-01T08:00:00+08:00 GIT_COMMITTER_DATE=2025-01-01T08:00:00+08:00 \
  git add xinbao.yaml
GIT_AUTHOR_DATE=2025-01-01T08:00:00+08:00 GIT_COMMITTER_DATE=2025-01-01T08:00:00+08:00 \
  git commit -q -m 设置

# The reports: the sample's (but those that name another report or a request),
# moved to a day of 2025 with every time in them, committed when submitted.
python3 - "$project" "$n" > ../plan.txt <<'EOF'
import datetime, os, re, sys
from PIL import Image
project, n = sys.argv[1], int(sys.argv[2])
samples = []
for root, _, files in os.walk(f"{project}/reports"):
    for f in sorted(files):
        if f.endswith(".md"):
            text = open(os.path.join(root, f), encoding="utf-8").read()
            if not re.search(r"^(follow_up_of|retracts|request|adoptions):", text, re.M):
                samples.append((root, text))
samples.sort()
stamp = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2})?([+-]\d{2}:\d{2})")
for i in range(n):
    root, text = samples[i % len(samples)]
    day = datetime.date(2025, 1, 2) + datetime.timedelta(days=i * 360 // n)
    occurred = stamp.search(re.search(r"^occurred_at: .*$|^submitted_at: .*$", text, re.M).group(0))
    shift = day - datetime.date(int(occurred.group(1)), int(occurred.group(2)), int(occurred.group(3)))
    def moved(m):
        d = datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) + shift
        return f"{d.isoformat()}T{m.group(4)}:{m.group(5)}{m.group(6) or ''}{m.group(7)}"
    text = stamp.sub(moved, text)
    submitted = re.search(r"^submitted_at: (\S+)", text, re.M).group(1)
    report_id = f"{day.isoformat()}-bench-{i:05d}"
    folder = f"reports/{day.year}/{day.month:02d}"
    os.makedirs(folder, exist_ok=True)
    # Each report its own pictures (one pixel changed): no two share their bytes.
    for image in set(m[0] or m[1] for m in re.findall(r"file: (images/\S+)|\]\((images/[^)\s]+)\)", text)):
        own = f"images/{i:05d}-{image[len('images/'):]}"
        os.makedirs(f"{folder}/images", exist_ok=True)
        picture = Image.open(os.path.join(root, image))
        picture.load()
        picture.putpixel((0, 0), (i % 256, i // 256 % 256, 7)[: len(picture.getbands())] if len(picture.getbands()) > 1 else i % 256)
        picture.save(f"{folder}/{own}", quality=90) if image.endswith((".jpg", ".jpeg")) else picture.save(f"{folder}/{own}")
        text = text.replace(image, own)
    open(f"{folder}/{report_id}.md", "w", encoding="utf-8").write(text)
    print(submitted, f"{folder}/{report_id}.md", report_id)
EOF
sort ../plan.txt | while read -r at file _; do
  git add -- "$file" "$(dirname "$file")/images" 2>/dev/null || git add -- "$file"
  GIT_AUTHOR_DATE=$at GIT_COMMITTER_DATE=$at git commit -q -m "报送 $file"
done
ids=$(awk '{print $3}' ../plan.txt)
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
git config user.email bureau@example.org

git config gpg.format ssh
git config user.name 李四 && git config user.signingkey "$dir/supervisor"
# shellcheck disable=SC2086
GIT_AUTHOR_DATE=2026-01-05T09:00:00+08:00 GIT_COMMITTER_DATE=2026-01-05T09:00:00+08:00 \
  "$xinbao" approve --on-main $ids > /dev/null
git config user.name 钱七 && git config user.signingkey "$dir/office"
# shellcheck disable=SC2086
GIT_AUTHOR_DATE=2026-01-06T09:00:00+08:00 GIT_COMMITTER_DATE=2026-01-06T09:00:00+08:00 \
  "$xinbao" publish $ids > /dev/null
"$xinbao" status | tail -2

measure() {
  /usr/bin/time -f "$1: %e s wall, %U s user, %M KB peak" "${@:2}" > /dev/null
}
measure volume "$xinbao" volume --year 2025 --out "$dir/volume"
measure transfer "$xinbao" transfer --year 2025 --out "$dir/package"
measure verify-transfer "$xinbao" verify-transfer "$dir/package"
du -sh "$dir/package"
