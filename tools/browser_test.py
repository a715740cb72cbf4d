"""Open every page of the built docs site (_docs/) in headless Chromium and check that it reads.

    .venv/bin/python tools/browser_test.py            # after `bash tools/docs.sh`; tools/test.sh runs both

The site is served from 127.0.0.1 (Python's http.server, on a free port, in a thread) and every page is
opened with selenium in headless Chromium, with every host but 127.0.0.1 unreachable so that a page needing a
CDN shows it here. Each page must have
  - a title: a non-empty <title> and an <h1> whose text is part of it;
  - every image loaded (naturalWidth > 0);
  - no error in its outputs: no traceback, no 'SomethingError:' text, no error output, no warning on stderr,
    and no uncaught JavaScript error or failed request to the site in the browser's console;
  - every navigation link (links inside <nav>) answering HTTP 200, and every page reachable from the navigation.
A full-page screenshot of each page goes to artifacts/screenshots/ (CI keeps that folder).
Chromium and ChromeDriver: /usr/bin/chromium and /usr/bin/chromedriver (Debian's chromium and
chromium-driver, installed by `bash tools/setup.sh --browser`), or CHROME_BIN / CHROMEDRIVER, or the first
chromium/chrome and chromedriver on PATH.
"""
import functools, http.server, json, os, re, shutil, sys, tempfile, threading, time, base64
import urllib.request, urllib.error
from pathlib import Path
from urllib.parse import urljoin, urldefrag, urlparse

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT/'_docs'
SHOTS = ROOT/'artifacts'/'screenshots'
WIDTH, MAX_HEIGHT = 1280, 30000
ERROR_RE = re.compile(r'Traceback \(most recent call last\)|^Traceback|\b[A-Z]\w*(?:Error|Exception):', re.MULTILINE)


def rel(p):
    "`p` relative to the project when it is inside it"
    p = Path(p)
    return p.relative_to(ROOT) if p.is_relative_to(ROOT) else p


def find_exe(env, candidates, names):
    "First of: $env, existing `candidates`, `names` on PATH"
    if os.environ.get(env): return os.environ[env]
    for c in candidates:
        if Path(c).is_file() and os.access(c, os.X_OK): return c
    for n in names:
        if shutil.which(n): return shutil.which(n)
    chromedriver_dir = os.environ.get('CHROMEWEBDRIVER')  # GitHub's Ubuntu runners
    if env == 'CHROMEDRIVER' and chromedriver_dir and (Path(chromedriver_dir)/'chromedriver').exists():
        return str(Path(chromedriver_dir)/'chromedriver')


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    def handle_error(self, request, client_address):  # a browser closing a connection early is not an error
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)): super().handle_error(request, client_address)


def serve(folder):
    "Serve `folder` on 127.0.0.1 on a free port in a daemon thread; returns (server, base url)"
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = QuietServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f'http://127.0.0.1:{server.server_address[1]}/'


def http_status(url, cache={}):
    if url not in cache:
        try:
            with urllib.request.urlopen(url, timeout=10) as r: cache[url] = r.status
        except urllib.error.HTTPError as e: cache[url] = e.code
        except Exception as e: cache[url] = f'{type(e).__name__}: {e}'
    return cache[url]


def make_driver(chrome, chromedriver, profile):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = chrome
    for a in ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync',
              '--disable-dev-shm-usage', '--hide-scrollbars', f'--user-data-dir={profile}',
              f'--window-size={WIDTH},1000',
              # nothing but the local server can be reached: a page that needs a CDN to display fails here
              '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1']:
        opts.add_argument(a)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=chromedriver))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    return driver


PAGE_JS = r"""
const q = s => Array.from(document.querySelectorAll(s));
const h1 = document.querySelector('h1');
const outSel = '.jp-OutputArea-output, .cell-output, .cell-output-stdout, .cell-output-display, .cell-output-error, .cell-output-stderr';
return {
  title: document.title,
  h1: h1 ? h1.innerText.trim() : null,
  images: q('img').map(i => ({src: (i.getAttribute('src') || '').slice(0, 100), ok: i.complete && i.naturalWidth > 0,
                              complete: i.complete})),
  outputs: q(outSel).map(o => o.innerText),
  errors: q('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .cell-output-stderr, .cell-output-error, .jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]')
            .map(o => o.innerText.trim()),
  body: document.body ? document.body.innerText : '',
  nav: q('nav a[href]').map(a => a.href),
  links: q('main a[href], article a[href], body a[href]').map(a => a.href),
  height: Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0),
};
"""


def wait_images(driver, timeout=15):
    "Load every image (lazy ones too) and wait until each has finished, loaded or not"
    driver.execute_script("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    end = time.time() + timeout
    while time.time() < end:
        if driver.execute_script("return Array.from(document.images).every(i => i.complete)"): return
        time.sleep(0.2)


def screenshot(driver, path, height):
    "Full-page PNG: the viewport is made as tall as the page (fixed navigation included), then captured"
    h = max(600, min(int(height), MAX_HEIGHT))
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                           dict(width=WIDTH, height=h, deviceScaleFactor=1, mobile=False))
    try:
        time.sleep(0.3)
        shot = driver.execute_cdp_cmd('Page.captureScreenshot', dict(format='png', captureBeyondViewport=False))
        path.write_bytes(base64.b64decode(shot['data']))
    finally:
        driver.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})


def page_ids(name, cache={}):
    "The element ids of the site's page `name` (empty if there is no such page)"
    if name not in cache:
        f = SITE/name
        cache[name] = set(re.findall(r'\sid="([^"]+)"', f.read_text(encoding='utf-8'))) if f.is_file() else set()
    return cache[name]


def check_page(driver, base, page):
    "Open `page`; returns (problems, info, nav targets)"
    url = urljoin(base, page)
    problems = []
    t0 = time.time()
    driver.get(url)
    wait_images(driver)
    r = driver.execute_script(PAGE_JS)
    if not r['title'].strip(): problems.append('the page has no <title>')
    if not r['h1']: problems.append('the page has no <h1> title')
    elif r['h1'] not in r['title']: problems.append(f"<h1> {r['h1']!r} is not in the <title> {r['title']!r}")
    bad = [i['src'] or '(no src)' for i in r['images'] if not i['ok']]
    if bad: problems.append(f"{len(bad)} of {len(r['images'])} images did not load: " + ', '.join(bad[:5]))
    for text in r['outputs']:
        m = ERROR_RE.search(text)
        if m:
            line = next((l for l in text.splitlines() if m.group(0) in l), m.group(0))
            problems.append(f'error text in an output: {line.strip()[:160]!r}')
    if 'Traceback (most recent call last)' in r['body'] and not any('Traceback' in p for p in problems):
        problems.append('a traceback is on the page')
    for e in r['errors']:
        if e: problems.append(f'error/stderr output: {e.splitlines()[0][:160]!r}')
    try: logs = driver.get_log('browser')
    except Exception: logs = []
    for l in logs:
        msg = l.get('message', '')
        if 'favicon.ico' in msg: continue  # asked for by the browser itself, not by the page
        if l.get('level') == 'SEVERE' and (base.rstrip('/') in msg or 'Uncaught' in msg):
            problems.append(f'browser console: {msg[:200]}')
    nav = []
    for href in r['nav']:
        target, _ = urldefrag(href)
        if urlparse(target).netloc != urlparse(base).netloc: continue  # external links (e.g. the repository) are not ours to serve
        nav.append(target)
        st = http_status(target)
        if st != 200: problems.append(f'navigation link {href} answers {st}')
    if not nav: problems.append('the page has no navigation links')
    for href in sorted(set(r['links'])):  # every link to a place on a page of this site: the page and the id exist
        target, frag = urldefrag(href)
        if urlparse(target).netloc != urlparse(base).netloc or not frag: continue
        name = urlparse(target).path.rsplit('/', 1)[-1] or 'index.html'
        if frag not in page_ids(name): problems.append(f'link {href} points to no element with id {frag!r}')
    shot = SHOTS/(Path(page).stem + '.png')
    screenshot(driver, shot, r['height'])
    info = dict(title=r['h1'] or r['title'], images=len(r['images']), nav=len(set(nav)), height=r['height'],
                seconds=time.time() - t0, shot=shot)
    return problems, info, set(nav)


def main():
    global SITE, SHOTS
    import argparse
    ap = argparse.ArgumentParser(description='Open every page of the docs site in headless Chromium and check it')
    ap.add_argument('--site', default=str(SITE), help='the built site (default: _docs)')
    ap.add_argument('--screenshots', default=str(SHOTS), help='where the screenshots go (default: artifacts/screenshots)')
    a = ap.parse_args()
    SITE, SHOTS = Path(a.site).resolve(), Path(a.screenshots).resolve()
    if not SITE.is_dir() or not list(SITE.glob('*.html')):
        sys.exit(f'browser test: no site in {SITE}: build it first with `bash tools/docs.sh`')
    chrome = find_exe('CHROME_BIN', ['/usr/bin/chromium'], ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'])
    chromedriver = find_exe('CHROMEDRIVER', ['/usr/bin/chromedriver'], ['chromedriver'])
    if not (chrome and chromedriver):
        sys.exit('browser test: Chromium or ChromeDriver not found; install them with `bash tools/setup.sh --browser` '
                 '(as root) or `sudo apt-get install chromium chromium-driver`, or set CHROME_BIN and CHROMEDRIVER')
    pages = sorted((p.relative_to(SITE).as_posix() for p in SITE.glob('*.html')), key=lambda p: (p != 'index.html', p))
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob('*.png'): old.unlink()
    server, base = serve(SITE)
    profile = tempfile.mkdtemp(prefix='mnist_nb-chromium-')
    print(f'[browser] {len(pages)} pages of {rel(SITE)}/ served at {base}, opened in {chrome} (headless)', flush=True)
    failed, reached = set(), set()
    driver = None
    try:
        driver = make_driver(chrome, chromedriver, profile)
        for page in pages:
            try: problems, info, nav = check_page(driver, base, page)
            except Exception as e:
                problems, info, nav = [f'could not be checked: {type(e).__name__}: {str(e).splitlines()[0][:200]}'], None, set()
            reached |= nav
            if problems:
                failed.add(page)
                print(f'[browser] FAIL {page}')
                for p in problems: print(f'[browser]      - {p}')
            else:
                print(f"[browser] ok   {page:18} {info['title'][:44]!r:48} {info['images']:3} images  "
                      f"{info['nav']:2} nav links  {info['height']:6} px  {info['seconds']:4.1f} s  "
                      f"-> {rel(info['shot'])}", flush=True)
        unreached = [p for p in pages if urljoin(base, p) not in reached and not (p == 'index.html' and base in reached)]
        for p in unreached:
            failed.add(p)
            print(f'[browser] FAIL {p}: no navigation link leads to it')
    finally:
        if driver is not None: driver.quit()
        server.shutdown(); server.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    print(f'[browser] screenshots in {rel(SHOTS)}/')
    passed = len(pages) - len(failed)
    print(f'browser test: {passed} passed, {len(failed)} failed')
    sys.exit(1 if failed or not passed else 0)


if __name__ == '__main__': main()
