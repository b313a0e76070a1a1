#!/usr/bin/env python3
"""The desk on a large corpus (issue 25): times of `POST /api/check` and of each
page and API the page loads, and the desk's memory idle.

    python3 bench/desk.py XINBAO REPO [NAME]

REPO is a clone of the corpus (never the original: the desk may write in it);
NAME is the git user.name set in it (default 刘晓燕, writer and office of the
generated corpus). Prints a Markdown table."""

import json, os, re, statistics, subprocess, sys, time, http.client

binary, repo = sys.argv[1], sys.argv[2]
name = sys.argv[3] if len(sys.argv) > 3 else "刘晓燕"
subprocess.run(["git", "-C", repo, "config", "user.name", name], check=True)
desk = subprocess.Popen([binary, "desk", "--port", "0", "--no-open"], cwd=repo,
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
port, token = re.match(r"http://127.0.0.1:(\d+)/\?token=(\w+)", desk.stdout.readline()).groups()


def rss():
    with open(f"/proc/{desk.pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) // 1024


def call(method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", int(port))
    headers = {"Host": f"127.0.0.1:{port}", "X-Xinbao-Token": token, "Cookie": f"xinbao_desk={token}"}
    data = json.dumps(body).encode() if body is not None else None
    if data is not None:
        headers["Content-Type"] = "application/json"
    start = time.perf_counter()
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    payload = response.read()
    took = (time.perf_counter() - start) * 1000
    conn.close()
    return response.status, payload, took


def timed(label, method, path, body=None, runs=20):
    times = []
    for _ in range(runs):
        status, payload, took = call(method, path, body)
        assert status == 200, f"{label}: {status} {payload[:300]}"
        times.append(took)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(f"| {label} | {statistics.median(times):.0f} ms | {p95:.0f} ms | {max(times):.0f} ms |")


started = rss()
form = {"category": "work", "title": "县发改局召开重点项目调度会", "fields": {"tags": ["调度"]},
        "body": "全县 12 个重点项目的负责人参加会议，逐一汇报了项目进度，会议部署了下一阶段工作。"}
first = call("POST", "/api/check", form)[2]
report = sorted(subprocess.run(["git", "-C", repo, "ls-files", "reports"], capture_output=True, text=True).stdout.split())[-1]
text = open(os.path.join(repo, report), encoding="utf-8").read()
rid = os.path.basename(report)[:-3]
print(f"desk started: {started} MB; first POST /api/check {first:.0f} ms\n")
print("| request | median | p95 | max |\n| --- | ---: | ---: | ---: |")
timed("POST /api/check (the new-report form)", "POST", "/api/check", form, runs=50)
timed("POST /api/check (an existing report's text)", "POST", "/api/check", {"path": report, "text": text}, runs=50)
for label, path in [("GET / (the page)", "/"), ("GET /desk.js", "/desk.js"), ("GET /api/session", "/api/session"),
                    ("GET /api/fields?category=work", "/api/fields?category=work"),
                    ("GET /api/reports (my reports)", "/api/reports"), ("GET /api/pending (to approve)", "/api/pending"),
                    ("GET /api/approved (to publish)", "/api/approved"),
                    ("GET /api/settings", "/api/settings"), (f"GET /api/reports/ID", f"/api/reports/{rid}")]:
    timed(label, "GET", path, runs=10)
timed("GET /api/reports/ID/pdf (the preview, typeset)", "GET", f"/api/reports/{rid}/pdf", runs=5)
time.sleep(5)
print(f"\nidle after the requests: {rss()} MB (VmRSS)")
desk.terminate()
desk.wait()
