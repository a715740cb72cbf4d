"""Open every page of the built docs site (_docs/) in headless Chromium and check what a reader gets.

    .venv/bin/python tools/browser_test.py            # after `bash tools/docs.sh`; tools/test.sh runs both

The site is served from 127.0.0.1 (Python's http.server, on a free port, in a thread) and opened with selenium
in headless Chromium, with every host but 127.0.0.1 unreachable (a page needing a CDN fails here).
Every page, at 1400 px wide (desktop):
  - a title (<title> and an <h1> that is part of it), and a subtitle free of raw Markdown;
  - every image loaded; figures whose text is at least about 10 px (rendered size against natural size and
    the PNG's dpi, matplotlib's 10 pt default text); no epoch table of more than 12 visible rows;
  - no traceback, error or warning in its outputs, no JavaScript error or failed request in the console;
  - every in-site link answers HTTP 200 and every in-site anchor exists;
  - the sidebar lists every page in notebook order; a table of contents of the page (when it has sections);
    a copy button on every code cell; links out to the repository, "report an issue", fastbook chapter 4 and
    the course lesson; API links that look like links (link colour, underlined);
  - search: typing `mnist_loss` in the page's search box lists its API entry, and clicking it lands on it.
At 400 px wide (phone): the menu is folded behind a button (which opens it), the title is near the top, and
no output is wider than the screen. A full-page screenshot at each width goes to artifacts/screenshots/.
The drawing page: a 3 and a 7 drawn with mouse strokes get the right answers from its models.
README.md, rendered by markdown-it-py as GitHub would (CommonMark + tables): no raw <style>/<table> HTML,
the quick start before the path through the chapter, its headings; a screenshot of it too.
Chromium and ChromeDriver: /usr/bin/chromium and /usr/bin/chromedriver (Debian's chromium and
chromium-driver, installed by `bash tools/setup.sh --browser`), or CHROME_BIN / CHROMEDRIVER, or PATH.
"""
import base64, functools, http.server, json, os, re, shutil, sys, tempfile, threading, time
import urllib.request, urllib.error
from pathlib import Path
from urllib.parse import urljoin, urldefrag, urlparse

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT/'_docs'
SHOTS = ROOT/'artifacts'/'screenshots'
DESKTOP, PHONE, MAX_HEIGHT = 1400, 400, 30000
MIN_TEXT_PX, MAX_EPOCH_ROWS = 9.5, 12
LINKS_OUT = {'repository': 'https://github.com/mnist-nb/mnist_nb',
             'report an issue': 'https://github.com/mnist-nb/mnist_nb/issues',
             'fastbook chapter 4': 'https://github.com/fastai/fastbook/blob/master/04_mnist_basics.ipynb',
             'course lesson': 'https://course.fast.ai/Lessons/lesson3.html'}
SEARCH_TERM, SEARCH_TARGET = 'mnist_loss', 'mnist_nb.linear.mnist_loss'
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
              f'--window-size={DESKTOP},1000', '--force-device-scale-factor=1',
              # nothing but the local server can be reached: a page that needs a CDN to display fails here
              '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1']:
        opts.add_argument(a)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=chromedriver))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    return driver


def set_width(driver, width, height=1000):
    "Emulate a screen `width` px wide (phone widths as a mobile device)"
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                           dict(width=width, height=height, deviceScaleFactor=1, mobile=width < 800))


def wait_for(driver, js, timeout=10, step=0.1):
    "Poll the JavaScript expression `js` until it is truthy; returns its last value"
    end = time.time() + timeout
    while True:
        v = driver.execute_script('return ' + js)
        if v or time.time() > end: return v
        time.sleep(step)


def wait_images(driver, timeout=15):
    "Load every image (lazy ones too) and wait until each has finished, loaded or not"
    driver.execute_script("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    wait_for(driver, "Array.from(document.images).every(i => i.complete)", timeout, 0.2)


def screenshot(driver, path, width):
    "Full-page PNG at `width`: the viewport is made as tall as the page, then captured"
    height = driver.execute_script('return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)')
    set_width(driver, width, max(600, min(int(height), MAX_HEIGHT)))
    time.sleep(0.3)
    shot = driver.execute_cdp_cmd('Page.captureScreenshot', dict(format='png', captureBeyondViewport=False))
    path.write_bytes(base64.b64decode(shot['data']))
    set_width(driver, width)
    return height


PAGE_JS = r"""
const q = s => Array.from(document.querySelectorAll(s));
const vis = e => { if (!e) return false; const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility != 'hidden' && s.display != 'none' && r.right > 0 && r.left < innerWidth; };
const h1 = document.querySelector('article h1, main h1, h1');
const outSel = 'div.cell_output, .output';
const desc = document.querySelector('p.description');
const imgs = q('article img').map(i => { const r = i.getBoundingClientRect();
  return {src: i.currentSrc || i.src, attr: (i.getAttribute('src') || '').slice(0, 100), ok: i.complete && i.naturalWidth > 0,
          nw: i.naturalWidth, w: r.width, output: !!i.closest(outSel),
          code: ((i.closest('div.cell') || document).querySelector('.cell_input pre') || {innerText: ''}).innerText.trim().split('\n').pop()}; });
const tables = q('article ' + 'table').filter(t => /epoch/i.test((t.querySelector('thead, tr') || {}).innerText || ''))
  .map(t => ({rows: Array.from(t.querySelectorAll('tbody tr')).filter(r => vis(r)).length, shown: vis(t)}))
  .filter(t => t.shown);
const cells = q('div.cell div.cell_input');
const api = q('article a.reference.internal code.xref').map(c => { const a = c.closest('a'), s = getComputedStyle(c),
  sa = getComputedStyle(a), body = getComputedStyle(document.querySelector('article p') || document.body);
  return {color: s.color, body: body.color, underline: (s.textDecorationLine + ' ' + sa.textDecorationLine).includes('underline')}; });
const side = q('#pst-primary-sidebar nav.bd-docs-nav a.reference, .bd-sidebar-primary nav a.reference.internal')
  .map(a => ({text: a.innerText.trim(), href: a.href}));
const toc = q('#pst-page-toc-nav a, .bd-toc-nav a, nav.page-toc a');
return {
  title: document.title, h1: h1 ? h1.innerText.replace(/#$/, '').trim() : null,
  desc: desc ? desc.innerText : null,
  images: imgs, tables: tables,
  outputs: q(outSel).map(o => o.innerText),
  errors: q('.output.stderr, .output.error, .output.traceback').map(o => o.innerText.trim()),
  body: document.body ? document.body.innerText : '',
  links: q('a[href]').map(a => a.href),
  out: q('a[href^="http"]').map(a => ({href: a.href, text: (a.innerText || a.title || a.getAttribute('aria-label') || '').trim()})),
  side: side, toc: toc.length, toc_visible: toc.some(vis), sections: q('article section > h2').length,
  cells: cells.length, copy: cells.filter(c => c.querySelector('button.copybtn')).length, api: api,
  search: !!document.querySelector('button.search-button__button, .search-button-field, form.bd-search input[name=q]'),
};
"""

PHONE_JS = r"""
const vis = e => { if (!e) return false; const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility != 'hidden' && s.display != 'none' && r.right > 1 && r.left < innerWidth - 1; };
const side = document.querySelector('#pst-primary-sidebar, .bd-sidebar-primary');
const btn = Array.from(document.querySelectorAll('button.primary-toggle, label.primary-toggle, .sidebar-toggle.primary-toggle')).find(vis);
const h1 = document.querySelector('article h1');
const wide = Array.from(document.querySelectorAll('div.cell_output, div.cell_output pre, div.cell_input, article table, article pre, #mnist-draw .draw-card, canvas'))
  .filter(vis).filter(e => e.getBoundingClientRect().right > innerWidth + 1).map(e => e.className + ' ' + e.tagName);
return {side_visible: vis(side) && side.getBoundingClientRect().width > 100, button: !!btn,
        h1_top: h1 ? h1.getBoundingClientRect().top + scrollY : null,
        scroll_width: document.documentElement.scrollWidth, width: innerWidth, wide: wide.slice(0, 5), n_wide: wide.length};
"""


def page_ids(name, cache={}):
    "The element ids of the site's page `name` (empty if there is no such page)"
    if name not in cache:
        f = SITE/name
        cache[name] = set(re.findall(r'\sid="([^"]+)"', f.read_text(encoding='utf-8'))) if f.is_file() else set()
    return cache[name]


def png_dpi(src, base, cache={}):
    "The dpi recorded in a site PNG (matplotlib writes it), or None"
    if src not in cache:
        cache[src] = None
        p = urlparse(src)
        f = SITE/p.path.lstrip('/') if src.startswith(base) else None
        if f and f.is_file() and f.suffix.lower() == '.png':
            from PIL import Image
            with Image.open(f) as im: d = im.info.get('dpi')
            cache[src] = float(d[0]) if d else None
    return cache[src]


def expected_order():
    "Page titles of the notebooks in notebook order: the home page, the numbered ones, then the others"
    nbs = sorted((ROOT/'nbs').glob('*.ipynb'), key=lambda p: (p.stem != 'index', not p.stem[:1].isdigit(), p.name))
    titles = []
    for p in nbs:
        nb = json.loads(p.read_text(encoding='utf-8'))
        src = next((''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'markdown'), '')
        m = re.search(r'^#\s+(.+)$', src, flags=re.MULTILINE)
        titles.append(m[1].strip() if m else p.stem)
    return titles


def check_desktop(driver, base, page, order):
    "Open `page` at 1400 px; returns (problems, notes, info)"
    problems, notes = [], []
    set_width(driver, DESKTOP)
    driver.get(urljoin(base, page))
    wait_images(driver)
    r = driver.execute_script(PAGE_JS)
    if not r['title'].strip(): problems.append('the page has no <title>')
    if not r['h1']: problems.append('the page has no <h1> title')
    elif r['h1'] not in r['title']: problems.append(f"<h1> {r['h1']!r} is not in the <title> {r['title']!r}")
    if r['desc'] is not None and re.search(r'`|\*\*|\]\(|(?<!\w)_\w+_(?!\w)', r['desc']):
        problems.append(f"the subtitle shows raw Markdown: {r['desc'][:100]!r}")
    bad = [i['attr'] or '(no src)' for i in r['images'] if not i['ok']]
    if bad: problems.append(f"{len(bad)} of {len(r['images'])} images did not load: " + ', '.join(bad[:5]))
    for i in r['images']:  # text size of each output figure: 10 pt at its dpi, scaled as displayed
        if not (i['ok'] and i['output'] and i['nw']): continue
        dpi = png_dpi(i['src'], base)
        if not dpi: continue
        px = 10*dpi/72*i['w']/i['nw']
        if px < MIN_TEXT_PX:
            problems.append(f"figure text about {px:.1f} px high (< 10): {Path(urlparse(i['src']).path).name[:16]} "
                            f"{i['nw']} px wide shown at {i['w']:.0f} px, from `{i['code'][:70]}`")
    for t in r['tables']:
        if t['rows'] > MAX_EPOCH_ROWS: problems.append(f"an epoch table shows {t['rows']} rows (> {MAX_EPOCH_ROWS})")
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
        if 'favicon.ico' in msg: continue
        if l.get('level') == 'SEVERE' and (base.rstrip('/') in msg or 'Uncaught' in msg):
            problems.append(f'browser console: {msg[:200]}')
    for href in sorted(set(r['links'])):  # every link into this site answers, and its anchor exists
        target, frag = urldefrag(href)
        if urlparse(target).netloc != urlparse(base).netloc: continue
        st = http_status(target)
        if st != 200: problems.append(f'link {href} answers {st}'); continue
        name = urlparse(target).path.rsplit('/', 1)[-1] or 'index.html'
        if frag and name.endswith('.html') and frag not in page_ids(name):
            problems.append(f'link {href} points to no element with id {frag!r}')
    side = [s['text'] for s in r['side'] if urlparse(s['href']).netloc == urlparse(base).netloc]
    if side != order: problems.append(f'the sidebar is not in notebook order: {side} (expected {order})')
    if r['sections'] >= 2 and not (r['toc'] >= r['sections'] and r['toc_visible']):
        problems.append(f"no visible table of contents for the page's {r['sections']} sections ({r['toc']} entries)")
    if r['copy'] != r['cells']: problems.append(f"{r['cells'] - r['copy']} of {r['cells']} code cells have no copy button")
    for what, url in LINKS_OUT.items():
        if not any(o['href'].startswith(url) and (what != 'report an issue' or 'issue' in o['text'].lower())
                   for o in r['out']):
            problems.append(f'no link out to the {what} ({url})')
    for a in r['api']:
        if a['color'] == a['body'] or not a['underline']:
            problems.append(f"an API link looks like plain code (colour {a['color']}, underlined: {a['underline']})"); break
    if not r['search']: problems.append('no search box')
    else: problems += check_search(driver, base, page)
    info = dict(title=r['h1'] or r['title'], images=len(r['images']), links=len(set(r['links'])), cells=r['cells'],
                api=len(r['api']), toc=r['toc'])
    return problems, notes, info


def check_search(driver, base, page):
    "Type the search term into the page's search box; its API entry must be listed, and clicking it lands on it"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    btn = driver.find_elements(By.CSS_SELECTOR, 'button.search-button__button, button.search-button-field')
    visible = [b for b in btn if b.is_displayed()]
    if visible: visible[0].click()
    box = wait_for(driver, "Array.from(document.querySelectorAll('input[name=q]')).find(i => i.offsetParent) || null", 5)
    if not box: return ['the search box did not open']
    box.send_keys(SEARCH_TERM + Keys.ENTER)
    link = wait_for(driver, f"Array.from(document.querySelectorAll('#search-results a')).find(a => "
                            f"a.href.includes('#{SEARCH_TARGET}')) || null", 15, 0.2)
    if not link:
        n = driver.execute_script("return document.querySelectorAll('#search-results li').length")
        return [f'searching {SEARCH_TERM!r} from {page} does not list its API entry ({n} results)']
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    ok = wait_for(driver, f"location.hash == '#{SEARCH_TARGET}' && (() => {{ const e = document.getElementById("
                          f"'{SEARCH_TARGET}'); if (!e) return false; const r = e.getBoundingClientRect(); "
                          f"return r.top >= -5 && r.top < innerHeight; }})()", 5)
    return [] if ok else [f'clicking the search result from {page} does not land on the API entry ({driver.current_url})']


def check_phone(driver, base, page):
    "Open `page` at 400 px; returns problems"
    from selenium.webdriver.common.by import By
    problems = []
    set_width(driver, PHONE, 850)
    driver.get(urljoin(base, page))
    wait_images(driver)
    r = driver.execute_script(PHONE_JS)
    if r['side_visible']: problems.append('at 400 px the menu is open over or before the page')
    if not r['button']: problems.append('at 400 px there is no button to open the menu')
    if r['h1_top'] is None or r['h1_top'] > 400: problems.append(f"at 400 px the title starts {r['h1_top']} px down")
    if r['scroll_width'] > r['width'] + 1: problems.append(f"at 400 px the page is {r['scroll_width']} px wide")
    if r['n_wide']: problems.append(f"at 400 px {r['n_wide']} outputs are wider than the screen: {r['wide']}")
    if r['button']:
        b = [e for e in driver.find_elements(By.CSS_SELECTOR, 'button.primary-toggle, label.primary-toggle, '
                                             '.sidebar-toggle.primary-toggle') if e.is_displayed()][0]
        b.click()
        opened = wait_for(driver, "(() => { const d = document.querySelector('#pst-primary-sidebar-modal'); if (d) return d.open &&"
                                  " d.querySelectorAll('a.reference.internal').length > 3; const s = document.querySelector("
                                  "'#pst-primary-sidebar, .bd-sidebar-primary'); const r = s.getBoundingClientRect();"
                                  " return r.width > 100 && r.left >= -1; })()", 3)
        if not opened: problems.append('at 400 px the menu button does not open the menu')
        driver.get(urljoin(base, page))
        wait_images(driver)
    return problems


def draw_strokes(driver, canvas, strokes):
    "Draw `strokes` (lists of (x, y) in [0, 1] of the canvas) with the mouse"
    from selenium.webdriver.common.action_chains import ActionChains
    w, h = canvas.size['width'], canvas.size['height']
    for s in strokes:
        pts = [(int((x - 0.5)*w), int((y - 0.5)*h)) for x, y in s]  # offsets from the canvas's centre
        a = ActionChains(driver, duration=0).move_to_element_with_offset(canvas, *pts[0]).click_and_hold()
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            for k in range(1, 5): a.move_by_offset(round((x1 - x0)*k/4) - round((x1 - x0)*(k - 1)/4),
                                                   round((y1 - y0)*k/4) - round((y1 - y0)*(k - 1)/4))
        a.release().perform()


THREE = [[(0.3, 0.25), (0.45, 0.18), (0.62, 0.22), (0.66, 0.35), (0.55, 0.47), (0.42, 0.5)],
         [(0.55, 0.5), (0.67, 0.6), (0.66, 0.74), (0.5, 0.82), (0.3, 0.78)]]
SEVEN = [[(0.28, 0.2), (0.72, 0.2), (0.62, 0.4), (0.52, 0.6), (0.45, 0.82)]]


def check_draw(driver, base, page):
    "Draw a 3 and a 7 on the drawing page: every model must answer with the right digit"
    from selenium.webdriver.common.by import By
    problems = []
    set_width(driver, DESKTOP)
    driver.get(urljoin(base, page))
    if not wait_for(driver, "window.mnistDraw && window.mnistDraw.ready", 15):
        return ['the drawing page did not load its weights']
    canvas = driver.find_element(By.CSS_SELECTOR, 'canvas.draw-input')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    for digit, strokes in ((3, THREE), (7, SEVEN)):
        driver.execute_script("window.mnistDraw.clear()")
        draw_strokes(driver, canvas, strokes)
        res = wait_for(driver, "window.mnistDraw.last", 5)
        if not res: problems.append(f'drawing a {digit} gave no predictions'); continue
        answers = {k: v['digit'] for k, v in res.items()}
        wrong = {k: v for k, v in answers.items() if v != digit}
        if wrong: problems.append(f'a drawn {digit} read as {wrong}')
        print(f"[browser]      drew a {digit}: " + ', '.join(f'{k} says {v}' for k, v in answers.items()))
    shot = SHOTS/(Path(page).stem + '-drawn.png')
    screenshot(driver, shot, DESKTOP)
    return problems


def check_readme(driver):
    "README.md as GitHub renders it (CommonMark with tables): no raw HTML/CSS, quick start before the path"
    from markdown_it import MarkdownIt
    problems = []
    text = (ROOT/'README.md').read_text(encoding='utf-8')
    md = MarkdownIt('commonmark', {'html': True}).enable('table').enable('strikethrough')
    tokens = md.parse(text)
    raw = [t.content.strip()[:60] for t in tokens if t.type in ('html_block', 'html_inline')
           and re.search(r'<(style|table|div|script|progress)\b', t.content, flags=re.IGNORECASE)]
    if raw: problems.append(f'README.md has raw HTML that GitHub shows or strips: {raw[:3]}')
    if re.search(r'^\s*\.[\w-]+\s*\{|^\s*progress\s*\{', text, flags=re.MULTILINE): problems.append('README.md shows CSS rules')
    heads = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == 'heading_open']
    if len(heads) < 3: problems.append(f'README.md has only {len(heads)} headings')
    find = lambda w: next((i for i, h in enumerate(heads) if w in h.lower()), None)
    qs, path = find('quick start'), find('path')
    if qs is None: problems.append('README.md has no "Quick start" heading')
    if path is None: problems.append('README.md has no heading for the path through the chapter')
    if qs is not None and path is not None and qs > path: problems.append('README.md: the path comes before the quick start')
    for cmd in ('bash tools/run.sh', 'bash tools/test.sh'):
        if cmd not in text: problems.append(f'README.md does not show `{cmd}`')
    body = md.render(text)
    page = SHOTS.parent/'readme.html'
    page.write_text('<!doctype html><meta charset="utf-8"><title>README.md</title><style>body{font:16px/1.5 '
                    '-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:880px;margin:2rem auto;padding:0 1rem}'
                    'table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 10px}'
                    'pre{background:#f6f8fa;padding:12px;overflow:auto}code{background:#f6f8fa}</style>' + body,
                    encoding='utf-8')
    set_width(driver, 1000)
    driver.get(page.as_uri())
    shown = driver.execute_script("return document.body.innerText")
    if '<style' in shown or '<table' in shown or 'progress {' in shown: problems.append('README.md, rendered, shows raw markup')
    screenshot(driver, SHOTS/'README.png', 1000)
    return problems, heads


def main():
    global SITE, SHOTS
    import argparse
    ap = argparse.ArgumentParser(description='Open every page of the docs site in headless Chromium and check it')
    ap.add_argument('--site', default=str(SITE), help='the built site (default: _docs)')
    ap.add_argument('--screenshots', default=str(SHOTS), help='where the screenshots go (default: artifacts/screenshots)')
    ap.add_argument('--pages', nargs='*', help='check only these pages (e.g. linear.html)')
    a = ap.parse_args()
    SITE, SHOTS = Path(a.site).resolve(), Path(a.screenshots).resolve()
    if not SITE.is_dir() or not list(SITE.glob('*.html')):
        sys.exit(f'browser test: no site in {SITE}: build it first with `bash tools/docs.sh`')
    chrome = find_exe('CHROME_BIN', ['/usr/bin/chromium'], ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'])
    chromedriver = find_exe('CHROMEDRIVER', ['/usr/bin/chromedriver'], ['chromedriver'])
    if not (chrome and chromedriver):
        sys.exit('browser test: Chromium or ChromeDriver not found; install them with `bash tools/setup.sh --browser` '
                 '(as root) or `sudo apt-get install chromium chromium-driver`, or set CHROME_BIN and CHROMEDRIVER')
    skip = {'genindex.html', 'search.html', 'py-modindex.html'}  # Sphinx's own index and search pages
    pages = sorted((p.name for p in SITE.glob('*.html') if p.name not in skip), key=lambda p: (p != 'index.html', p))
    if a.pages: pages = [p for p in pages if p in a.pages]
    order = expected_order()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob('*.png'): old.unlink()
    server, base = serve(SITE)
    profile = tempfile.mkdtemp(prefix='mnist_nb-chromium-')
    print(f'[browser] {len(pages)} pages of {rel(SITE)}/ served at {base}, opened in {chrome} (headless)', flush=True)
    failed, n_checks = [], 0
    driver = None
    t_start = time.time()
    try:
        driver = make_driver(chrome, chromedriver, profile)
        for page in pages:
            t0 = time.time()
            try:
                problems, notes, info = check_desktop(driver, base, page, order)
                driver.get(urljoin(base, page)); wait_images(driver)
                screenshot(driver, SHOTS/f'{Path(page).stem}-desktop.png', DESKTOP)
                problems += check_phone(driver, base, page)
                screenshot(driver, SHOTS/f'{Path(page).stem}-phone.png', PHONE)
                if driver.execute_script("return !!document.querySelector('canvas.draw-input')"):
                    problems += check_draw(driver, base, page)
            except Exception as e:
                problems, info = [f'could not be checked: {type(e).__name__}: {str(e).splitlines()[0][:200]}'], None
            n_checks += 1
            if problems:
                failed.append(page)
                print(f'[browser] FAIL {page}')
                for p in problems: print(f'[browser]      - {p}')
            else:
                print(f"[browser] ok   {page:16} {info['title'][:40]!r:44} {info['images']:3} images {info['cells']:3} cells "
                      f"{info['api']:3} API links {info['toc']:2} toc  {time.time() - t0:4.1f} s", flush=True)
        try: problems, heads = check_readme(driver)
        except Exception as e: problems, heads = [f'could not be checked: {type(e).__name__}: {e}'], []
        n_checks += 1
        if problems:
            failed.append('README.md')
            print('[browser] FAIL README.md')
            for p in problems: print(f'[browser]      - {p}')
        else: print(f"[browser] ok   README.md        rendered by markdown-it-py; headings: {' | '.join(heads)}")
    finally:
        if driver is not None: driver.quit()
        server.shutdown(); server.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    print(f'[browser] screenshots (desktop {DESKTOP} px, phone {PHONE} px) in {rel(SHOTS)}/; {time.time() - t_start:.0f} s')
    print(f'browser test: {n_checks - len(failed)} passed, {len(failed)} failed')
    sys.exit(1 if failed or not n_checks else 0)


if __name__ == '__main__': main()
