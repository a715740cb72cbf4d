"""Open every page of the docs site (_docs/, built by `bash tools/docs.sh`) in headless Chromium and check what a
reader gets.

    .venv/bin/python tools/browser_test.py                 # after `bash tools/docs.sh`; tools/test.sh runs both
    .venv/bin/python tools/browser_test.py --pages play    # only some pages (names without .html)

The site is served from 127.0.0.1 (http.server, in a thread) to headless Chromium (selenium), which can reach no
other host: every request the browser makes (DevTools' log), page checks included, must go there and succeed.
Every page, at 1400 px (desktop):
  - a title; title, subtitle and text free of raw Markdown; no `#|` directive shown; nothing wider than the screen;
  - images loaded, with alt text that says what they show; figure text of about 10 px or more; formulas rendered by
    KaTeX; epoch tables of at most 12 rows; no traceback, error, warning or machine path in outputs or console;
  - links within the site (nbdev's to the site's own address too) answer 200, and their anchors exist;
  - the sidebar in notebook order, a table of contents, copy buttons, links out (repository, issues, fastbook,
    course), a dark-mode toggle, API links that look like links, a source link for each API entry, none with
    `(*args, **kwargs)` or "Return repr(self).", "Open in Colab" on the pages of numbered notebooks;
  - search: `mnist_loss` typed in quarto's search box lists its API entry, and clicking it lands on it.
At 390x844 (a phone): the sidebar folded behind a button that opens it, the title near the top, nothing wider than
the screen. Across the site: dark mode toggles, long epoch tables fold, links to fastai's and PyTorch's docs,
llms.txt; README.md, rendered by markdown-it-py as GitHub does: no raw HTML/CSS, the quick start before the path
through the chapter. Figure text set in the code (`fontsize=`) is 10 pt or more in every notebook and module.
Screenshots of each page at both widths go to artifacts/screenshots/.

Page checks: tools/browser_pages.py checks the pages with widgets (draw, slips, play); `main` merges its `CHECKS`
(page name, the file name without .html -> check) into `PAGE_CHECKS`. `check(driver, base_url)` runs after the
page's common checks, at desktop size; it may load pages, resize, click, draw, with this module's helpers
(`open_page`, `wait_for`, `screenshot`, `too_wide`, ...), and yields (or returns) its problems as strings.
Chromium and ChromeDriver: $CHROME_BIN, $CHROMEDRIVER, else Debian's (`bash tools/setup.sh --browser`), or on PATH.
"""
import argparse, base64, functools, http.server, json, os, re, shutil, sys, tempfile, threading, time
import urllib.error, urllib.request
from pathlib import Path
from urllib.parse import unquote, urljoin, urldefrag, urlparse
from selenium.webdriver.common.by import By
from mnist_nb.utils import REPO_URL, Timer

ROOT = Path(__file__).resolve().parent.parent
NBS, SITE, SHOTS = ROOT/'nbs', ROOT/'_docs', ROOT/'artifacts'/'screenshots'
DESKTOP, PHONE, PHONE_HEIGHT, MAX_HEIGHT = 1400, 390, 844, 30000
MIN_TEXT_PX, MAX_EPOCH_ROWS = 9.5, 12
LINKS_OUT = {'repository': REPO_URL, 'report an issue': f'{REPO_URL}/issues',
             'fastbook chapter 4': 'https://github.com/fastai/fastbook/blob/master/04_mnist_basics.ipynb',
             'course lesson': 'https://course.fast.ai/Lessons/lesson3.html'}
SEARCH_TERM, SEARCH_PAGE, SEARCH_ANCHOR = 'mnist_loss', 'linear.html', 'mnist_loss'
ERROR_RE = re.compile(r'Traceback \(most recent call last\)|^Traceback|\b[A-Z]\w*(?:Error|Exception):', re.M)
MACHINE_PATH_RE = re.compile(r'(?<![\w.])/(?:root|home|tmp|work)/[\w.-]+|\.fastai/(?:data|archive)')
PAGE_CHECKS = {}   # page name (file name without .html) -> check(driver, base_url) -> its problems

# ---- the project's facts --------------------------------------------------------------------------------------
def yml_value(path, key):
    "The value of `key:` in the YAML file `path` (a plain scalar on one line), or None"
    m = re.search(rf'^\s*{re.escape(key)}:\s*"?([^"#\s]+)"?', Path(path).read_text(encoding='utf-8'), re.M)
    return m[1] if m else None

def notebooks():
    "The notebooks in the site's order: the home page, the numbered ones, then the others"
    return sorted(NBS.glob('*.ipynb'), key=lambda p: (p.stem != 'index', not p.stem[:1].isdigit(), p.name))

def page_name(nb):
    "The site's page of notebook `nb` (nbdev's rule: `03_linear.ipynb` -> `linear.html`)"
    from nbdev.config import nbpath2html
    return nbpath2html(Path(nb)).name

def api_anchors():
    "{page: {anchor: name}} of the library's public names (nbdev's `_modidx.py`)"
    from importlib import import_module
    lib = re.search(r'^name\s*=\s*"([^"]+)"', (ROOT/'pyproject.toml').read_text(), re.M)[1]
    sys.path.insert(0, str(ROOT))
    res = {}
    for syms in import_module(f'{lib}._modidx').d['syms'].values():
        for full, (url, _) in syms.items():
            page, _, anchor = url.partition('#')
            name = full.split('.', 2)[-1]
            if anchor and not any(p.startswith('_') for p in name.split('.')): res.setdefault(page, {})[anchor] = name
    return res

@functools.cache
def page_ids(name):
    "The element ids of the site's page `name` (empty if there is no such page)"
    return set(re.findall(r'\sid="([^"]+)"', (SITE/name).read_text('utf-8'))) if (SITE/name).is_file() else set()

# ---- the server and the browser ---------------------------------------------------------------------------------
def find_exe(env, *names):
    "$env, else the first of `names` (a path, or a command on PATH) that is there"
    return os.environ.get(env) or next(filter(None, map(shutil.which, names)), None)

class QuietServer(http.server.ThreadingHTTPServer):
    "http.server's, in threads, quiet when a browser closes a connection early"
    daemon_threads = True
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)

def serve(folder):
    "Serve `folder` on 127.0.0.1 on a free port in a daemon thread, logging nothing; returns (server, base url)"
    handler = type('QuietHandler', (http.server.SimpleHTTPRequestHandler,), {'log_message': lambda *a: None})
    server = QuietServer(('127.0.0.1', 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f'http://127.0.0.1:{server.server_address[1]}/'

@functools.cache
def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r: return r.status
    except urllib.error.HTTPError as e: return e.code
    except Exception as e: return f'{type(e).__name__}: {e}'

def make_driver(chrome, chromedriver, profile):
    from selenium.webdriver import Chrome, ChromeOptions, ChromeService
    opts = ChromeOptions()
    opts.binary_location = chrome
    for a in ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-sync',
              '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage',
              '--hide-scrollbars', f'--user-data-dir={profile}', f'--window-size={DESKTOP},1000',
              '--force-device-scale-factor=1', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1']:
        opts.add_argument(a)   # the resolver rule: nothing but the local server can be reached
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL', 'performance': 'ALL'})
    driver = Chrome(options=opts, service=ChromeService(executable_path=chromedriver))
    driver.set_page_load_timeout(60); driver.set_script_timeout(30)
    driver.execute_cdp_cmd('Network.enable', {})
    return driver

def network_problems(driver, base):
    "Requests (web sockets too) since the last call that left the local server, or that it failed (DevTools' log)"
    problems, ws = [], 'ws' + base[4:]
    try: entries = driver.get_log('performance')
    except Exception: return problems
    for e in entries:
        m = json.loads(e['message'])['message']
        p, method = m.get('params', {}), m['method']
        url = p.get('request', p.get('response', p)).get('url', '')
        if method in ('Network.requestWillBeSent', 'Network.webSocketCreated') and not url.startswith(
                (base, ws, 'data:', 'blob:', 'about:', 'chrome', 'file:')):
            problems.append(f'a request leaves the site (the site must read offline): {url[:150]}')
        elif method == 'Network.responseReceived' and url.startswith(base) and p['response']['status'] >= 400:
            problems.append(f"{url[len(base):]} answers {p['response']['status']}")
    return sorted(set(problems))

def console_problems(driver, base):
    "Errors in the browser's console since the last call"
    try: logs = driver.get_log('browser')
    except Exception: return []
    return [f"browser console: {l['message'][:200]}" for l in logs
            if l.get('level') == 'SEVERE' and 'net::ERR_BLOCKED_BY_CLIENT' not in l['message']]

def set_size(driver, width, height=1000):
    "Emulate a screen `width` x `height` px (under 800 px wide a phone, with touch)"
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                           dict(width=width, height=height, deviceScaleFactor=1, mobile=width < 800))
    driver.execute_cdp_cmd('Emulation.setTouchEmulationEnabled', dict(enabled=width < 800, maxTouchPoints=5))

def wait_for(driver, js, timeout=10, step=0.1):
    "Poll the JavaScript expression `js` until it is truthy, `timeout` s at most; returns its last value"
    end = time.time() + timeout
    while not (v := driver.execute_script('return ' + js)) and time.time() < end: time.sleep(step)
    return v

def open_page(driver, url, width=None, height=1000, ready=None):
    "Load `url` (at `width` x `height`), wait for its images (lazy ones too) and the JavaScript `ready`; its value"
    if width: set_size(driver, width, height)
    driver.get(url)
    driver.execute_script("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    wait_for(driver, "document.readyState == 'complete' && Array.from(document.images).every(i => i.complete)", 15, .2)
    return wait_for(driver, ready, 15) if ready else True

def screenshot(driver, name, width=None, height=None, element=None):
    """The PNG `name` in SHOTS: of `element` (page scrolled to the top, away from the fixed header), or of the
    viewport made `width` wide and `height` px high (by default as high as the page, to MAX_HEIGHT)"""
    opts = {}
    if element is None:
        h = driver.execute_script('return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)')
        set_size(driver, width, height or max(600, min(int(h), MAX_HEIGHT)))
        time.sleep(0.4)
    else:
        driver.execute_script('window.scrollTo(0, 0)')
        opts = dict(captureBeyondViewport=True, clip=driver.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height, scale: 1}", element))
    shot = driver.execute_cdp_cmd('Page.captureScreenshot', dict(format='png', **opts))
    (SHOTS/name).write_bytes(base64.b64decode(shot['data']))

def in_view(driver, element):
    "Whether `element` lies wholly inside the viewport"
    return driver.execute_script("const r = arguments[0].getBoundingClientRect(); return r.width > 0 && r.top >= 0"
                                 " && r.left >= 0 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1", element)

WIDE_JS = r"""
const w = document.documentElement.clientWidth, out = [];
const scrolls = e => { for (let p = e.parentElement; p && p != document.body; p = p.parentElement)
  if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true; return false; };
for (const e of document.querySelectorAll('body *')) { const r = e.getBoundingClientRect();
  if (r.width && r.right > w + 1 && getComputedStyle(e).position != 'fixed' && !scrolls(e)
      && !e.closest('.sidebar, nav, pre, .sourceCode, .katex-mathml'))
    out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.classList.length ? '.' + e.classList[0] : '')
             + ` (${Math.round(r.right)} px)`); }
return [document.documentElement.scrollWidth, w, out.slice(0, 5)];
"""

def too_wide(driver, where):
    "A problem when the page, or an element in it that does not scroll, reaches beyond the screen's right edge"
    page, screen, wide = driver.execute_script(WIDE_JS)
    return [f'{where}: the page is {page} px wide on a {screen} px screen: {wide}'] if page > screen + 1 or wide else []

note = lambda msg: print(f'[browser]      {msg}', flush=True)   # a line under the page's result

# ---- what a page shows ----------------------------------------------------------------------------------------
PAGE_JS = r"""
const q = s => Array.from(document.querySelectorAll(s));
const vis = e => { if (!e) return false; const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility != 'hidden' && s.display != 'none'; };
const text = e => { const c = e.cloneNode(true);
  c.querySelectorAll('code, pre, .katex, .math, script, style').forEach(x => x.remove()); return c.textContent; };
const h1 = document.querySelector('h1.title, main h1');
const desc = document.querySelector('#title-block-header .description, #title-block-header p.subtitle');
const code = 'main div.cell > div.sourceCode.cell-code';
return {
  title: document.title, h1: h1 ? h1.innerText.trim() : null, desc: desc ? text(desc) : null,
  images: q('main img').map(i => { const r = i.getBoundingClientRect(), cell = i.closest('div.cell');
    return {src: i.currentSrc || i.src, attr: (i.getAttribute('src') || '').slice(0, 100),
            ok: i.complete && i.naturalWidth > 0, nw: i.naturalWidth, w: r.width, alt: i.getAttribute('alt') || '',
            output: !!i.closest('.cell-output-display'),
            code: ((cell && cell.querySelector('.cell-code')) || {innerText: ''}).innerText.trim().split('\n').pop()};
  }),
  epochs: q('main table').filter(t => { const f = t.querySelector('thead th, tr th, tr td');
    return f && f.textContent.trim() == 'epoch'; })
    .map(t => Array.from(t.querySelectorAll('tbody tr')).filter(vis).length),
  outputs: q('main .cell-output').map(o => o.innerText),
  stderr: q('main .cell-output-stderr').map(o => o.innerText.trim()).filter(t => t),
  directives: q('main div.cell .cell-code').filter(c => /^\s*#\|/m.test(c.innerText)).length,
  raw: q('main p, main li, main td, main th, main h2, main h3, #title-block-header .description')
    .map(text).filter(t => /\]\(|```|(^|\s)\*\*\S|\S\*\*(\s|$)/.test(t)).map(t => t.trim().slice(0, 100)),
  math: q('main span.math').length, math_raw: q('main span.math').filter(s => !s.querySelector('.katex')).length,
  links: q('a[href]').map(a => a.href),
  out: q('a[href^="http"]').map(a => ({href: a.href,
    text: (a.innerText || a.title || a.getAttribute('aria-label') || '').trim()})),
  side: q('#quarto-sidebar a.sidebar-link').map(a => a.pathname.split('/').pop() || 'index.html'),
  toc: q('#TOC a').length, toc_visible: q('#TOC a').some(vis), sections: q('main section.level2').length,
  cells: q(code).length, copy: q(code).filter(c => c.querySelector('button.code-copy-button')).length,
  api: q('main p a > code, main li a > code, main td a > code').map(c => { const s = getComputedStyle(c),
    line = s.textDecorationLine + ' ' + getComputedStyle(c.closest('a')).textDecorationLine;
    return {color: s.color, underline: line.includes('underline')}; }),
  body_color: getComputedStyle(document.querySelector('main p') || document.body).color,
  signatures: q('main section > h3 + div.sourceCode, main section > h4 + div.sourceCode').map(d => d.innerText),
  docstrings: q('main section.level3 > p, main section.level4 > p').map(p => p.innerText.trim()),
  entries: q('main section.level3 > h3, main section.level4 > h4')
    .filter(h => h.parentElement.querySelector(':scope > div.sourceCode')).map(h => h.innerText.trim()),
  colab: q('p.colab-link a').map(a => a.href),
  search: !!document.querySelector('#quarto-search'), toggle: !!document.querySelector('.quarto-color-scheme-toggle'),
};
"""

SOURCE_JS = r"""
return arguments[0].filter(id => document.getElementById(id)).filter(id => { const s = document.getElementById(id);
  const near = [s, s.previousElementSibling, s.parentElement && s.parentElement.previousElementSibling];
  return !near.some(e => e && e.querySelector && e.querySelector('a[href*="/blob/"][href*=".py#L"]')); });
"""

@functools.cache
def png_dpi(src, base):
    "The dpi recorded in a site PNG (matplotlib writes it), or None"
    from PIL import Image
    f = SITE/urlparse(src).path.lstrip('/') if src.startswith(base) else None
    if not (f and f.is_file() and f.suffix.lower() == '.png'): return None
    with Image.open(f) as im: return float(im.info['dpi'][0]) if 'dpi' in im.info else None

def check_content(r, base, page):
    "Problems of what the page shows: (kind, message) pairs"
    out = []
    if not r['title'].strip(): out.append(('page', 'the page has no <title>'))
    if not r['h1']: out.append(('page', 'the page has no <h1> title'))
    elif r['h1'] not in r['title']: out.append(('page', f"<h1> {r['h1']!r} is not in the <title> {r['title']!r}"))
    if r['desc'] and re.search(r'`|\*\*|\]\(', r['desc']):
        out.append(('page', f"the subtitle shows raw Markdown: {r['desc'][:100]!r}"))
    out += [('raw markdown', f'raw Markdown in the text: {t!r}') for t in r['raw']]
    if r['directives']: out.append(('page', f"{r['directives']} code cells show `#|` directives"))
    bad = [i['attr'] or '(no src)' for i in r['images'] if not i['ok']]
    if bad: out.append(('page', f"{len(bad)} of {len(r['images'])} images did not load: " + ', '.join(bad[:5])))
    for i in r['images']:
        name, alt = Path(urlparse(i['src']).path).name, i['alt'].strip()
        if not alt or re.search(r'\.(png|jpe?g|svg|gif)$', alt, re.I) or alt == name:
            out.append(('alt text', f"an image without alt text that says what it shows: {name}, "
                                    f"from `{i['code'][:70]}`"))
        if not (i['ok'] and i['output'] and i['nw']) or not (dpi := png_dpi(i['src'], base)): continue
        if (px := 10*dpi/72*i['w']/i['nw']) < MIN_TEXT_PX:
            out.append(('page', f"figure text about {px:.1f} px high (< 10): {name[:24]} {i['nw']} px wide shown at "
                                f"{i['w']:.0f} px, from `{i['code'][:70]}`"))
    if r['math_raw']: out.append(('page', f"{r['math_raw']} of {r['math']} formulas are not rendered (KaTeX)"))
    out += [('page', f'an epoch table shows {n} rows (> {MAX_EPOCH_ROWS})') for n in r['epochs'] if n > MAX_EPOCH_ROWS]
    for text in r['outputs']:
        if (m := ERROR_RE.search(text)):
            line = next((l for l in text.splitlines() if m.group(0) in l), m.group(0))
            out.append(('page', f'error text in an output: {line.strip()[:160]!r}'))
        if (m := MACHINE_PATH_RE.search(text)):
            out.append(('machine path', f'a machine path in an output: {m.group(0)!r}'))
    out += [('page', f'a warning or error (stderr) in an output: {e.splitlines()[0][:160]!r}') for e in r['stderr']]
    out += [('signature', f"a signature shows (*args, **kwargs): {s.splitlines()[0][:100]!r}")
            for s in r['signatures'] if '*args, **kwargs' in s]
    if 'Return repr(self).' in r['docstrings']: out.append(('signature', 'an API entry reads "Return repr(self)."'))
    out += [('signature', f'the API entry {e} is documented {r["entries"].count(e)} times')
            for e in sorted({e for e in r['entries'] if r['entries'].count(e) > 1})]
    return out

def check_links(r, base, own, order, nb):
    "Problems of the page's links, sidebar, table of contents, copy buttons, links out, link to Colab"
    out = []
    for href in sorted(set(r['links'])):   # those into this site, also nbdev's absolute ones to its address `own`
        target, frag = urldefrag(base + href[len(own):] if own and href.startswith(own) else href)
        if not target.startswith(base): continue
        if (st := http_status(target)) != 200: out.append(f'link {href} answers {st}'); continue
        name = urlparse(target).path.rsplit('/', 1)[-1] or 'index.html'
        if frag and name.endswith('.html') and unquote(frag) not in page_ids(name):
            out.append(f'link {href} points to no element with id {unquote(frag)!r}')
    if r['side'] != order: out.append(f"the sidebar is not in notebook order: {r['side']} (expected {order})")
    if r['sections'] >= 2 and not (r['toc'] >= r['sections'] and r['toc_visible']):
        out.append(f"no visible table of contents for the page's {r['sections']} sections ({r['toc']} entries)")
    if r['copy'] != r['cells']: out.append(f"{r['cells'] - r['copy']} of {r['cells']} code cells have no copy button")
    for what, url in LINKS_OUT.items():
        if not any(o['href'].startswith(url) and (what != 'report an issue' or 'issue' in o['text'].lower())
                   for o in r['out']): out.append(f'no link out to the {what} ({url})')
    if any(a['color'] == r['body_color'] or not a['underline'] for a in r['api']):
        out.append('an API link looks like plain code (not in the link colour, or not underlined)')
    if not r['search']: out.append('no search box')
    if not r['toggle']: out.append('no dark-mode toggle')
    colab = yml_value(NBS/'_quarto.yml', 'colab-url')   # the page of a numbered notebook links to it in Colab
    want = [colab.rstrip('/') + '/' + nb.name] if re.match(r'\d\d_', nb.name) else []
    return out + ([] if r['colab'] == want else [f"'Open in Colab' links {r['colab']}, expected {want}"])

def check_desktop(driver, base, page, nb, order, anchors):
    "Open `page` at 1400 px: (problems, info, what the page shows)"
    open_page(driver, urljoin(base, page), DESKTOP)
    r = driver.execute_script(PAGE_JS)
    own = (yml_value(NBS/'nbdev.yml', 'site-url') or '').rstrip('/') + '/'
    problems = [m for _, m in check_content(r, base, page)]
    problems += check_links(r, base, own, order, nb) + too_wide(driver, f'at {DESKTOP} px')
    if (missing := driver.execute_script(SOURCE_JS, sorted(anchors.get(page, {})))):
        problems.append(f"API entries without a source link: {', '.join(missing[:6])}")
    problems += console_problems(driver, base) + check_search(driver, base, page)
    info = dict(title=r['h1'] or r['title'], images=len(r['images']), cells=r['cells'], api=len(r['api']), toc=r['toc'])
    return problems, info, r

def check_search(driver, base, page):
    "Type the search term into quarto's search box: its API entry must be listed, and clicking it land on it"
    if not (btn := [b for b in driver.find_elements(By.CSS_SELECTOR, '#quarto-search button') if b.is_displayed()]):
        return [f'the search box of {page} is not visible']
    btn[0].click()
    if not (box := wait_for(driver, "Array.from(document.querySelectorAll('input.aa-Input'))"
                                    ".find(i => i.offsetParent) || null", 5)): return ['the search box did not open']
    box.send_keys(SEARCH_TERM)
    find = (f"Array.from(document.querySelectorAll('.aa-Panel a, .aa-Item a')).find(a => "
            f"a.pathname.endsWith('/{SEARCH_PAGE}') && a.hash == '#{SEARCH_ANCHOR}')")
    if not wait_for(driver, find + " || null", 15, 0.2):
        n = driver.execute_script("return document.querySelectorAll('.aa-Item').length")
        return [f'searching {SEARCH_TERM!r} from {page} does not list its API entry ({n} results)']
    time.sleep(0.5)   # the list is redrawn as results arrive: click the entry as it is now
    driver.execute_script(f"const a = {find}; a.scrollIntoView({{block: 'center'}}); a.click()")
    ok = wait_for(driver, f"location.pathname.endsWith('/{SEARCH_PAGE}') && location.hash == '#{SEARCH_ANCHOR}' && "
                          f"(() => {{ let e = document.getElementById('{SEARCH_ANCHOR}'); if (!e) return false;"
                          f" e = e.querySelector('h1, h2, h3, h4') || e;"
                          f" const r = e.getBoundingClientRect(); return r.top >= -5 && r.top < innerHeight; }})()", 8)
    return [] if ok else [f'clicking the search result from {page} does not land on the API entry '
                          f'({driver.current_url})']

PHONE_JS = r"""
const vis = e => { if (!e) return false; const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility != 'hidden' && s.display != 'none' && r.right > 1
         && r.left < innerWidth - 1; };
const side = document.querySelector('#quarto-sidebar'), h1 = document.querySelector('h1.title, main h1');
return {side_open: vis(side) && side.getBoundingClientRect().width > 100,
        button: !!Array.from(document.querySelectorAll('button.quarto-btn-toggle')).find(vis),
        h1_top: h1 ? h1.getBoundingClientRect().top + scrollY : null};
"""

def check_phone(driver, base, page):
    "Open `page` at 390x844, as a phone: problems"
    open_page(driver, urljoin(base, page), PHONE, PHONE_HEIGHT)
    r, problems = driver.execute_script(PHONE_JS), too_wide(driver, f'at {PHONE} px')
    if r['side_open']: problems.append(f'at {PHONE} px the sidebar is open over or before the page')
    if not r['button']: problems.append(f'at {PHONE} px there is no button to open the sidebar')
    if r['h1_top'] is None or r['h1_top'] > 400:
        problems.append(f"at {PHONE} px the title starts {r['h1_top']} px down")
    if r['button']:
        [b for b in driver.find_elements(By.CSS_SELECTOR, 'button.quarto-btn-toggle') if b.is_displayed()][0].click()
        if not wait_for(driver, "(() => { const s = document.querySelector('#quarto-sidebar'); const r = "
                        "s.getBoundingClientRect(); return r.width > 100 && r.left >= -1 && "
                        "s.querySelectorAll('a.sidebar-link').length > 3; })()", 3):
            problems.append(f'at {PHONE} px the sidebar button does not open the sidebar')
        open_page(driver, urljoin(base, page))
    return problems

def check_dark_mode(driver, base):
    "The navbar's toggle switches the site to dark colours and back"
    open_page(driver, base + 'index.html', DESKTOP)
    dark = lambda: driver.execute_script("return document.body.classList.contains('quarto-dark')")
    before = dark()
    driver.find_element(By.CSS_SELECTOR, '.quarto-color-scheme-toggle').click()
    time.sleep(0.3)
    if (after := dark()): screenshot(driver, 'index-dark.png', DESKTOP, 1000)
    driver.find_element(By.CSS_SELECTOR, '.quarto-color-scheme-toggle').click()
    return [] if after != before else ['the dark-mode toggle does not change the colours']

FOLD_JS = r"""
const t = document.createElement('table'), body = document.createElement('tbody');
t.innerHTML = '<thead><tr><th>epoch</th><th>train_loss</th></tr></thead>';
for (let i = 0; i < 40; i++) body.insertAdjacentHTML('beforeend', `<tr><td>${i}</td><td>0.5</td></tr>`);
t.append(body); document.querySelector('main').append(t);
window.mnistNbSite.foldEpochTable(t);
const shown = () => Array.from(body.querySelectorAll('tr')).filter(r => !r.hidden)
  .map(r => r.innerText.split('\t')[0].trim());
const folded = shown(); t.querySelector('button.epochs-toggle').click(); const all = shown(); t.remove();
return [folded, all.length];
"""

def check_site(driver, base, docs_links):
    "Problems of the site as a whole (the browser on one of its pages)"
    problems = []
    folded, n_all = driver.execute_script(FOLD_JS)
    if folded[:3] != ['0', '1', '2'] or folded[-3:] != ['37', '38', '39'] or len(folded) != 7 or n_all != 40:
        problems.append(f'a 40-epoch table is not folded to its first and last epochs, or does not unfold: '
                        f'{folded}, {n_all}')
    for url in ('docs.fast.ai/', 'pytorch.org/docs/stable/generated/torch.nn.Linear') if docs_links is not None else ():
        if not any(url in h for h in docs_links):   # docs_links None: not every page was seen
            problems.append(f'no page links a name to its docs at {url} (nbdev links; nn.Linear by site_post.py)')
    try: served = urllib.request.urlopen(base + 'llms.txt', timeout=10).read().decode()
    except (OSError, ValueError) as e: served = f'({why(e)})'
    if served != (NBS/'llms.txt').read_text() or not served.startswith('# mnist_nb'):
        problems.append(f"the site's llms.txt is not the one nbdev-export writes from index.ipynb: {served[:60]!r}")
    return problems + small_fonts()

FONTSIZE_RE = re.compile(r"fontsize\s*=\s*(?:(\d+(?:\.\d+)?)|'(x{0,2}-?small)')")

def small_fonts():
    "Figure text that the code sets below 10 pt, in the notebooks' code cells and in the library"
    srcs = [(nb.name, ''.join(c['source'])) for nb in notebooks() for c in json.loads(nb.read_text())['cells']
            if c['cell_type'] == 'code'] + [(f.name, f.read_text()) for f in (ROOT/'mnist_nb').glob('*.py')]
    return [f"figure text below 10 pt in {name}: {m[0]}" for name, src in srcs for m in FONTSIZE_RE.finditer(src)
            if m[2] or float(m[1]) < 10]

# ---- README.md ------------------------------------------------------------------------------------------------
README_CSS = ('body{font:16px/1.5 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:880px;margin:2rem auto;'
              'padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 10px}'
              'pre{background:#f6f8fa;padding:12px;overflow:auto}code{background:#f6f8fa}')

def check_readme(driver, base):
    "README.md as GitHub renders it (CommonMark with tables): no raw HTML/CSS, quick start before the path"
    from markdown_it import MarkdownIt
    problems = []
    text = (ROOT/'README.md').read_text(encoding='utf-8')
    md = MarkdownIt('commonmark', {'html': True}).enable('table').enable('strikethrough')
    tokens = md.parse(text)
    raw = [t.content.strip()[:60] for t in tokens if t.type in ('html_block', 'html_inline')
           and re.search(r'<(style|table|div|script|progress)\b', t.content, flags=re.IGNORECASE)]
    if raw: problems.append(f'README.md has raw HTML that GitHub shows or strips: {raw[:3]}')
    if re.search(r'^\s*\.[\w-]+\s*\{|^\s*progress\s*\{', text, flags=re.M): problems.append('README.md shows CSS rules')
    heads = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == 'heading_open']
    note(f"headings: {' | '.join(heads)}")
    if len(heads) < 3: problems.append(f'README.md has only {len(heads)} headings')
    qs, path = (next((i for i, h in enumerate(heads) if w in h.lower()), None) for w in ('quick start', 'path'))
    if qs is None or path is None or qs > path:
        problems.append('README.md needs a "Quick start" heading, then one for the path through the chapter')
    problems += [f'README.md does not show `{c}`' for c in ('bash tools/run.sh', 'bash tools/test.sh') if c not in text]
    page = SHOTS.parent/'readme.html'
    page.write_text(f'<!doctype html><meta charset="utf-8"><title>README.md</title><style>{README_CSS}</style>'
                    + md.render(text), encoding='utf-8')
    open_page(driver, page.as_uri(), 1000)
    if any(m in driver.execute_script("return document.body.innerText") for m in ('<style', '<table', 'progress {')):
        problems.append('README.md, rendered, shows raw markup')
    screenshot(driver, 'README.png', 1000)
    return problems

# ---- the run --------------------------------------------------------------------------------------------------
def why(e):
    "An exception in one line"
    return f"{type(e).__name__}: {(str(e).splitlines() or [''])[0][:200]}"

def report(name, problems, line=''):
    "Print a page's result; True when it passed"
    print(f'[browser] FAIL {name}' if problems else f'[browser] ok   {name:16} {line}', flush=True)
    for p in problems: note(f'- {p}')
    return not problems

def run_check(check, driver, base):
    "The problems a page check yields or returns; an exception that stops it is one more"
    problems = []
    try: problems.extend(check(driver, base))   # what it yielded before an exception stays
    except Exception as e: problems.append(f'the page check stopped: {why(e)}')
    set_size(driver, DESKTOP)
    return problems

def check_page(driver, base, page, nb, order, anchors):
    "The page's common checks at both widths, its screenshots, its page check: (problems, info, links out)"
    problems, info, out, stem = [], None, [], Path(page).stem
    try:
        problems, info, r = check_desktop(driver, base, page, nb, order, anchors)
        out = [o['href'] for o in r['out']]
        open_page(driver, urljoin(base, page), DESKTOP)
        screenshot(driver, f'{stem}-desktop.png', DESKTOP)
        problems += check_phone(driver, base, page)
        screenshot(driver, f'{stem}-phone.png', PHONE)
    except Exception as e: problems.append(f'could not be checked: {why(e)}')
    if stem in PAGE_CHECKS: problems += run_check(PAGE_CHECKS[stem], driver, base)
    return problems + network_problems(driver, base) + console_problems(driver, base), info, out

def check_all(driver, base, pages, nbs, full):
    "Every page's checks, the registered page checks, the site's (README.md's when `full`): {name: passed}"
    order, anchors = [page_name(nb) for nb in notebooks()], api_anchors()
    results, docs_links = {}, []
    for page in pages:
        t = Timer().start()
        network_problems(driver, base)
        problems, info, out = check_page(driver, base, page, nbs[page], order, anchors)
        docs_links += out
        line = info and (f"{info['title'][:40]!r:44} {info['images']:3} images {info['cells']:3} cells "
                         f"{info['api']:3} API links {info['toc']:2} toc  {t.stop():4.1f} s")
        results[page] = report(page, list(dict.fromkeys(problems)), line)
    for name, check, line in [('dark mode', check_dark_mode, 'toggled and back'),
                              ('the whole site', lambda d, b: check_site(d, b, docs_links if full else None),
                               'epoch tables folded; links to the docs of fastai and PyTorch; llms.txt; fonts'),
                              *([('README.md', check_readme, 'rendered by markdown-it-py')] if full else [])]:
        results[name] = report(name, run_check(check, driver, base) + network_problems(driver, base), line=line)
    return results

def main():
    global SITE, SHOTS
    ap = argparse.ArgumentParser(description='Open every page of the docs site in headless Chromium and check it')
    ap.add_argument('--site', default=str(SITE), help='the built site (default: _docs)')
    ap.add_argument('--screenshots', default=str(SHOTS), help='where screenshots go (default: artifacts/screenshots)')
    ap.add_argument('--pages', nargs='*', help='check only these pages (names without .html, e.g. linear draw)')
    a = ap.parse_args()
    SITE, SHOTS = Path(a.site).resolve(), Path(a.screenshots).resolve()
    if not SITE.is_dir() or not list(SITE.glob('*.html')):
        sys.exit(f'browser test: no site in {SITE}: build it first with `bash tools/docs.sh`')
    chrome = find_exe('CHROME_BIN', '/usr/bin/chromium', 'chromium', 'chromium-browser', 'google-chrome',
                      'google-chrome-stable')
    chromedriver = find_exe('CHROMEDRIVER', '/usr/bin/chromedriver', 'chromedriver',   # then GitHub runners' one
                            os.path.join(os.environ.get('CHROMEWEBDRIVER', '/nowhere'), 'chromedriver'))
    if not (chrome and chromedriver):
        sys.exit('browser test: Chromium or ChromeDriver not found; install them with `bash tools/setup.sh --browser` '
                 '(as root) or `sudo apt-get install chromium chromium-driver`, or set CHROME_BIN and CHROMEDRIVER')
    # browser_pages imports this module as `browser_test`: let it be this one (run as __main__), not a second copy
    sys.modules.setdefault('browser_test', sys.modules[__name__])
    sys.path.insert(0, str(Path(__file__).parent))
    from browser_pages import CHECKS
    PAGE_CHECKS.update(CHECKS)
    nbs = {page_name(nb): nb for nb in notebooks()}
    missing = [p for p in nbs if not (SITE/p).is_file()]
    pages = [p for p in nbs if (SITE/p).is_file() and (not a.pages or Path(p).stem in a.pages)]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob('*.png'): old.unlink()
    server, base = serve(SITE)
    profile = tempfile.mkdtemp(prefix='mnist_nb-chromium-')
    print(f'[browser] {len(pages)} pages of {os.path.relpath(SITE, ROOT)}/ served at {base}, opened in {chrome} '
          '(headless)', flush=True)
    t, driver, results = Timer().start(), None, {f'{p} (not built)': False for p in missing}
    if missing: print(f'[browser] FAIL pages missing from the site: {missing}')
    try:
        driver = make_driver(chrome, chromedriver, profile)
        results.update(check_all(driver, base, pages, nbs, full=not a.pages))
    finally:
        if driver is not None: driver.quit()
        server.shutdown(); server.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    print(f'[browser] screenshots (desktop {DESKTOP} px, phone {PHONE}x{PHONE_HEIGHT}) in '
          f'{os.path.relpath(SHOTS, ROOT)}/; {t.stop():.0f} s')
    failed = [n for n, ok in results.items() if not ok]
    print(f'browser test: {len(results) - len(failed)} passed, {len(failed)} failed'
          + (f": {', '.join(failed)}" if failed else ''))
    sys.exit(1 if failed or not results else 0)


if __name__ == '__main__': main()
