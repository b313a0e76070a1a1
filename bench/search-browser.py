#!/usr/bin/env python3
"""Times archive searches in headless Chromium, straight from disk (file://).

    python3 bench/search-browser.py SITE_DIR [RUNS]

For each query, the search page is opened afresh RUNS times (default 3, cache
cleared by a new profile each run) and the time from navigation start to the
first result on screen (or the "nothing found" message) is read from the page's
own clock (performance.now()). Prints one line per query: median, min, max in
milliseconds, the number of results, and the index files the page loaded.
Needs chromium and chromedriver (Debian packages of the same names).
"""
import json, os, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.parse, urllib.request

QUERIES = [
    ("a word in nearly every report (价格)", {"q": "价格"}),
    ("a phrase (液化气站)", {"q": "液化气站"}),
    ("a number in a few titles (12345)", {"q": "12345"}),
    ("one character (煤)", {"q": "煤"}),
    ("a word and a unit (调度, 投资科)", {"q": "调度", "unit": "投资科"}),
    ("a unit alone (投资科)", {"unit": "投资科"}),
    ("nothing found (停车收费)", {"q": "停车收费"}),
]

WAIT = """
const done = arguments[arguments.length - 1];
function check() {
  const items = document.querySelectorAll('#results li.item').length;
  const status = document.getElementById('status');
  const text = status ? status.textContent : '';
  const busy = status && status.dataset.loading && text === status.dataset.loading;
  if (items > 0 || (text && !busy)) {
    const loaded = Array.from(document.scripts).map(s => s.src)
      .filter(src => src.includes('/search/')).map(src => src.split('/').pop());
    done({ms: performance.now(), items: items, status: text, loaded: loaded});
  } else requestAnimationFrame(check);
}
check();
"""


def call(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read())["value"]


def main():
    site = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    port = socket.socket(); port.bind(("127.0.0.1", 0)); number = port.getsockname()[1]; port.close()
    driver = subprocess.Popen(["chromedriver", f"--port={number}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{number}"
    try:
        for _ in range(100):
            try:
                call(base, "GET", "/status"); break
            except Exception:
                time.sleep(0.1)
        sizes = {name: os.path.getsize(os.path.join(site, "search", name))
                 for name in os.listdir(os.path.join(site, "search"))}
        print(f"index: {len(sizes)} files, {sum(sizes.values()) / 1e6:.1f} MB; "
              f"docs.js {sizes.get('docs.js', 0) / 1e6:.1f} MB")
        for label, params in QUERIES:
            times, last = [], None
            for _ in range(runs):
                profile = tempfile.mkdtemp()
                caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
                    "binary": shutil.which("chromium"),
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--window-size=1280,1000", f"--user-data-dir={profile}"]}}}}
                session = call(base, "POST", "/session", caps)["sessionId"]
                try:
                    call(base, "POST", f"/session/{session}/timeouts", {"script": 300000})
                    url = "file://" + os.path.join(site, "search.html") + "?" + urllib.parse.urlencode(params)
                    call(base, "POST", f"/session/{session}/url", {"url": url})
                    last = call(base, "POST", f"/session/{session}/execute/async", {"script": WAIT, "args": []})
                    times.append(last["ms"])
                finally:
                    call(base, "DELETE", f"/session/{session}")
                    shutil.rmtree(profile, ignore_errors=True)
            loaded = last["loaded"]
            loaded_bytes = sum(sizes.get(name, 0) for name in loaded)
            print(f"{label}: median {statistics.median(times):.0f} ms (min {min(times):.0f}, "
                  f"max {max(times):.0f}); {last['status']!r}, {last['items']} shown; "
                  f"{len(loaded)} index files, {loaded_bytes / 1e6:.1f} MB")
    finally:
        driver.terminate()


if __name__ == "__main__":
    main()
