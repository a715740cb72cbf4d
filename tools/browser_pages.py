"""Browser checks of two pages of the site: "Where the book slips" (slips.html) and "SGD to play with" (play.html).

    .venv/bin/python tools/browser_pages.py [SITE]      # after nbdev-docs; SITE is _docs by default

`check_slips(driver, base_url)` and `check_play(driver, base_url)` open their page in a selenium `driver` (headless
Chromium) on the site served at `base_url`, use it as a reader would, and return a list of problems: empty when all is
well. The site's browser test calls them with its own driver; run as a script, this file serves SITE on 127.0.0.1 and
runs both with a driver that cannot reach any other host.

check_play: the page's JavaScript replays every run of play/reference.json (PyTorch's autograd, written by
nbs/12_play.ipynb) and must agree within 1e-5, relative; then, like a reader, it moves the sliders with the keyboard,
presses the buttons with the mouse and with a finger (touch pointer events), ticks the square-root box, drags the start
on x**2 with a finger, and compares what the widgets hold with PyTorch's numbers; the canvases must be redrawn. At
390 px wide (a phone) nothing may be wider than the screen. No request may leave the local server.
check_slips: every slip's anchor and its fastbook issue links, the links to the review page's questionnaire and further
research (whose anchors must exist there, one per question), figures loaded with real alt text, no error output, and the
same phone and network checks.
Screenshots (desktop and phone) go to artifacts/screenshots/.
"""
import json, shutil, sys, time
from pathlib import Path
from urllib.parse import urljoin, urlparse
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT/'artifacts'/'screenshots'
PHONE, DESKTOP = (390, 844), (1400, 1000)
TOL = 1e-5     # relative agreement of the page's numbers with PyTorch's
SLIPS = {'rmse-not-mse': [327, 401, 434, 450, 454, 473, 492], 'sigmoid-threshold': [347, 427, 461],
         '784-not-768': [228], 'mean3': [317], 'abs-in-mnist-distance': [146, 215]}   # anchor: fastbook issues cited
FASTBOOK_ISSUE = 'https://github.com/fastai/fastbook/issues/{}'


# ---- helpers --------------------------------------------------------------------------------------------------------
def wait_for(driver, js, timeout=15, step=0.1):
    "Poll the JavaScript expression `js` until it is truthy; returns its last value"
    end = time.time() + timeout
    while True:
        v = driver.execute_script('return ' + js)
        if v or time.time() > end: return v
        time.sleep(step)


def set_size(driver, size):
    "Emulate a screen of `size` (width, height) CSS px; narrow ones as a phone with touch"
    w, h = size
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', dict(width=w, height=h, deviceScaleFactor=1, mobile=w < 800))
    driver.execute_cdp_cmd('Emulation.setTouchEmulationEnabled', dict(enabled=w < 800, maxTouchPoints=5))


def open_page(driver, url, size, ready='document.readyState === "complete"'):
    "Load `url` at screen `size` and wait until `ready` holds; True if it did"
    set_size(driver, size)
    driver.get(url)
    return bool(wait_for(driver, ready))


def offsite(driver, base_url):
    "Addresses the page requested from anywhere but the local server"
    host = urlparse(base_url).netloc
    urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)"
                                 ".concat(performance.getEntriesByType('navigation').map(e => e.name))")
    return sorted({u for u in urls if urlparse(u).scheme in ('http', 'https', 'ws', 'wss') and urlparse(u).netloc != host})


def too_wide(driver, selector='body *'):
    "Elements (at most 5) that reach beyond the right edge of the screen, and the page's own width"
    return driver.execute_script("""
        const w = document.documentElement.clientWidth, out = [];
        for (const e of document.querySelectorAll(arguments[0])) {
          const r = e.getBoundingClientRect();
          if (r.width && r.right > w + 1 && getComputedStyle(e).position !== 'fixed' && !e.closest('.sidebar, nav, .table-responsive, pre, .sourceCode'))
            out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className == 'string' ? '.' + e.className.split(' ')[0] : ''} (${Math.round(r.right)} px)`);
        }
        return {page: document.documentElement.scrollWidth, screen: w, wide: out.slice(0, 5)};""", selector)


def screenshot(driver, path, element=None):
    "A screenshot of `element`, or of the whole page, to `path`"
    path.parent.mkdir(parents=True, exist_ok=True)
    import base64
    driver.execute_script('window.scrollTo(0, 0)')   # the fixed header stays at the top of the page, away from `element`
    if element is not None:   # its box on the page, captured with the whole page laid out
        clip = driver.execute_script("const r = arguments[0].getBoundingClientRect();"
                                     "return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height, scale: 1}", element)
    else:
        m = driver.execute_cdp_cmd('Page.getLayoutMetrics', {})['cssContentSize']
        clip = dict(x=0, y=0, width=m['width'], height=min(m['height'], 30000), scale=1)
    shot = driver.execute_cdp_cmd('Page.captureScreenshot', dict(format='png', captureBeyondViewport=True, clip=clip))
    path.write_bytes(base64.b64decode(shot['data']))


def rel_err(a, b):
    "Largest error of the rows of `a` against those of `b`, each relative to the size of its row of `b`"
    rows = lambda v: [r if isinstance(r, list) else [r] for r in v]
    a, b = rows(a), rows(b)
    if len(a) != len(b) or any(len(x) != len(y) for x, y in zip(a, b)): return float('inf')
    norm = lambda v: sum(x * x for x in v) ** 0.5
    return max((norm([x - y for x, y in zip(ra, rb)]) / max(norm(rb), 1e-300) for ra, rb in zip(a, b)), default=0.)


def touch_tap(driver, element):
    "Tap `element` with a finger (touch pointer events, as a phone sends them)"
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    from selenium.webdriver.common.actions import interaction
    ab = ActionBuilder(driver, mouse=PointerInput(interaction.POINTER_TOUCH, 'finger'))
    ab.pointer_action.move_to(element).pointer_down().pause(0.05).pointer_up()
    ab.perform()


def touch_drag(driver, element, x0, x1, y):
    "Drag a finger over `element` from (`x0`, `y`) to (`x1`, `y`), offsets in px from its centre"
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    from selenium.webdriver.common.actions import interaction
    ab = ActionBuilder(driver, mouse=PointerInput(interaction.POINTER_TOUCH, 'finger'))
    ab.pointer_action.move_to(element, x0, y).pointer_down()
    for k in range(1, 6): ab.pointer_action.move_to(element, x0 + (x1 - x0) * k // 5, y)
    ab.pointer_action.pointer_up()
    ab.perform()


def set_slider(driver, slider, index):
    "Move a range input to position `index` with the keyboard, as a reader would"
    from selenium.webdriver.common.keys import Keys
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", slider)
    slider.send_keys(Keys.HOME)
    for _ in range(index): slider.send_keys(Keys.ARROW_RIGHT)


# ---- SGD to play with ---------------------------------------------------------------------------------------------------
PLAY_READY = 'window.mnistPlay && mnistPlay.ready && mnistPlay.coaster && mnistPlay.x2'
JS_RUNS = """const P = mnistPlay, c = P.data.coaster, n = arguments[0].n;
  return {coaster: arguments[0].coaster.map(r => P.trace(c.params, r.lr, n, P.coasterLoss(c.time, c.speed, r.root))),
          x2: arguments[0].x2.map(r => P.trace([r.x0], r.lr, n, P.x2Loss))};"""


def _replay(driver, ref):
    "The page's `trace` on every run of the reference: the largest relative error of positions, losses and gradients"
    js = driver.execute_script(JS_RUNS, ref)
    return max(rel_err(j[k], r[k]) for kind in ('coaster', 'x2') for j, r in zip(js[kind], ref[kind])
               for k in ('params', 'loss', 'grad'))


def _run(ref, kind, **kw):
    "The reference run of `kind` whose settings are `kw`"
    return next(r for r in ref[kind] if all(r[k] == v for k, v in kw.items()))


def _coaster(driver, ref, data, problems, phone=False):
    "Use the roller coaster: slider, buttons (mouse and finger), the square-root box; compare with PyTorch"
    from selenium.webdriver.common.by import By
    box = driver.find_element(By.ID, 'play-coaster')
    find = lambda css: box.find_element(By.CSS_SELECTOR, css)
    state = lambda: driver.execute_script('return mnistPlay.coaster.state()')
    pixels = lambda: driver.execute_script("return Array.from(arguments[0].querySelectorAll('canvas'), c => c.toDataURL())", box)
    lrs = data['coaster']['lrs']
    find('.play-reset').click()
    if find('input[type=checkbox]').is_selected(): find('input[type=checkbox]').click()
    set_slider(driver, find('input[type=range]'), lrs.index(3e-5))
    s = state()
    if s['lr'] != 3e-5 or find('output').text != '3e-5': problems.append(f"play: the coaster's slider gave lr {s['lr']} ({find('output').text}), not 3e-5")
    before = pixels()
    find('.play-run10').click()
    s, run = state(), _run(ref, 'coaster', lr=3e-5, root=False)
    if s['step'] != 10: problems.append(f"play: 'Run 10 steps' left the coaster at step {s['step']}")
    err = max(rel_err([s['params']], [run['params'][10]]), rel_err(s['losses'], run['loss'][:11]))
    if err > TOL: problems.append(f"play: after 10 steps at 3e-5 the coaster differs from PyTorch by {err:.1e}")
    if any(a == b for a, b in zip(before, pixels())): problems.append('play: a canvas of the coaster was not redrawn after the steps')
    tap = touch_tap if phone else (lambda d, e: e.click())
    tap(driver, find('.play-step'))
    s = state()
    if s['step'] != 11 or rel_err([s['params']], [run['params'][11]]) > TOL:
        problems.append(f"play: {'a tap' if phone else 'a click'} on Step gave step {s['step']}, params {s['params']}, "
                        f"PyTorch: {run['params'][11]}")
    tap(driver, find('input[type=checkbox]'))                     # the square root: the run starts again
    set_slider(driver, find('input[type=range]'), lrs.index(1e-5))
    for _ in range(2): tap(driver, find('.play-run10'))
    s, run = state(), _run(ref, 'coaster', lr=1e-5, root=True)
    if not s['root'] or s['step'] != 20: problems.append(f"play: with the square root ticked, the coaster is at root={s['root']}, step {s['step']}")
    elif max(rel_err([s['params']], [run['params'][20]]), rel_err(s['losses'][:20], run['loss'])) > TOL:
        problems.append("play: the coaster with the square root differs from PyTorch's")
    find('.play-reset').click()
    if state()['step'] != 0 or rel_err([state()['params']], [data['coaster']['params']]) > 0:
        problems.append('play: Reset did not bring the coaster back to its start')
    return box


def _x2(driver, ref, data, problems, phone=False):
    "Use the x**2 widget: presets, sliders, a finger dragging the start; compare with PyTorch and with 1 - 2*lr"
    from selenium.webdriver.common.by import By
    box = driver.find_element(By.ID, 'play-x2')
    find = lambda css: box.find_elements(By.CSS_SELECTOR, css)
    state = lambda: driver.execute_script('return mnistPlay.x2.state()')
    lrs, (lr_slider, steps_slider) = data['x2']['lrs'], find('input[type=range]')
    tap = touch_tap if phone else (lambda d, e: e.click())
    for b in find('.play-preset'):
        tap(driver, b)
        s, run = state(), _run(ref, 'x2', lr=float(b.get_attribute('data-lr')))
        err = rel_err(s['xs'], run['params'][:s['steps'] + 1])
        if s['lr'] != run['lr'] or err > TOL: problems.append(f"play: x² preset '{b.text}' gave lr {s['lr']}, error {err:.1e}")
        if b.text != s['regime']: problems.append(f"play: x² preset '{b.text}' is described as '{s['regime']}'")
    set_slider(driver, lr_slider, lrs.index(1.0))
    set_slider(driver, steps_slider, 19)
    s, run = state(), _run(ref, 'x2', lr=1.0)
    if s['steps'] != 20 or s['regime'] != 'bounces' or rel_err(s['xs'], run['params']) > TOL:
        problems.append(f"play: x² at lr 1 for 20 steps: steps {s['steps']}, '{s['regime']}', positions {s['xs'][:4]}...")
    set_slider(driver, lr_slider, lrs.index(0.9))
    canvas = find('canvas')[0]
    before = driver.execute_script('return arguments[0].toDataURL()', canvas)
    w = canvas.size['width']
    touch_drag(driver, canvas, -w // 8, w // 6, 0)
    s = state()
    xs_expected = [[s['x0'] * (1 - 2 * s['lr']) ** k] for k in range(s['steps'] + 1)]
    if not (0 < s['x0'] <= 2) or rel_err(s['xs'], xs_expected) > 1e-9:
        problems.append(f"play: dragging a finger on x² gave the start {s['x0']} and path {s['xs'][:3]}...")
    if driver.execute_script('return arguments[0].toDataURL()', canvas) == before: problems.append('play: the x² plot was not redrawn')
    return box


def check_play(driver, base_url):
    "Problems on the 'SGD to play with' page (play.html): its numbers against PyTorch's, its controls, its layout"
    return _guarded('play', _check_play, driver, base_url)


def _guarded(name, check, driver, base_url):
    "`check(driver, base_url, problems)`, an exception turned into a problem; the screen left at desktop size"
    problems = []
    try: check(driver, base_url, problems)
    except Exception as e: problems.append(f'{name}: the check stopped: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}')
    finally: set_size(driver, DESKTOP)
    return problems


def _check_play(driver, base_url, problems):
    ref = json.loads(urlopen(urljoin(base_url, 'play/reference.json'), timeout=10).read())
    data = json.loads(urlopen(urljoin(base_url, 'play/data.json'), timeout=10).read())
    url = urljoin(base_url, 'play.html')
    for size, name in ((DESKTOP, 'desktop'), (PHONE, 'phone')):
        if not open_page(driver, url, size, PLAY_READY): return problems.append(f'play ({name}): the widgets did not start')
        if name == 'desktop':
            err = _replay(driver, ref)
            print(f"play: {len(ref['coaster']) + len(ref['x2'])} runs of {ref['n']} steps in Chromium; largest relative "
                  f"error of positions, losses and gradients against PyTorch: {err:.1e}")
            if err > TOL: problems.append(f"play: the page's gradient descent differs from PyTorch's by {err:.1e} (relative)")
        coaster = _coaster(driver, ref, data, problems, phone=name == 'phone')
        if coaster.find_element('css selector', 'input[type=checkbox]').is_selected():    # for the picture: 10 steps of mse
            coaster.find_element('css selector', 'input[type=checkbox]').click()
        coaster.find_element('css selector', '.play-run10').click()
        screenshot(driver, SHOTS/f'play-coaster-{name}.png', coaster)
        x2 = _x2(driver, ref, data, problems, phone=name == 'phone')
        screenshot(driver, SHOTS/f'play-x2-{name}.png', x2)
        wide = too_wide(driver)
        if wide['page'] > wide['screen'] + 1 or wide['wide']:
            problems.append(f"play ({name}): {wide['page']} px wide on a {wide['screen']} px screen: {wide['wide']}")
        problems += [f'play ({name}): request to {u}' for u in offsite(driver, base_url)]
    return problems


# ---- Where the book slips --------------------------------------------------------------------------------------------
def check_slips(driver, base_url):
    "Problems on the 'Where the book slips' page (slips.html): anchors, citations, links to the review, figures, layout"
    return _guarded('slips', _check_slips, driver, base_url)


def _check_slips(driver, base_url, problems):
    url = urljoin(base_url, 'slips.html')
    for size, name in ((DESKTOP, 'desktop'), (PHONE, 'phone')):
        if not open_page(driver, url, size): return problems.append(f'slips ({name}): the page did not load')
        if name == 'desktop':
            found = driver.execute_script("""
                // the links of each section: those after its anchor <a id>, up to the next anchor
                const out = {}; let cur = null;
                for (const a of document.querySelectorAll('main a')) {
                  if (a.id && !a.hasAttribute('href')) { cur = a.id; out[cur] = []; }
                  else if (cur && a.href) out[cur].push(a.href);
                }
                return out;""")
            for slip, nums in SLIPS.items():
                if slip not in found: problems.append(f'slips: no anchor #{slip}'); continue
                missing = [n for n in nums if FASTBOOK_ISSUE.format(n) not in found[slip]]
                if missing: problems.append(f'slips: #{slip} does not link fastbook issues {missing}')
            hrefs = driver.execute_script("return Array.from(document.querySelectorAll('main a[href]'), a => a.href)")
            for anchor in ('questionnaire', 'further-research'):
                if not any(h.split('#')[0].endswith('review.html') and h.endswith('#' + anchor) for h in hrefs):
                    problems.append(f'slips: no link to review.html#{anchor}')
            imgs = driver.execute_script("""return Array.from(document.querySelectorAll('main img'),
                i => ({src: i.src, ok: i.complete && i.naturalWidth > 0, alt: i.alt}))""")
            if len(imgs) < 2: problems.append(f'slips: {len(imgs)} figures, expected at least 2')
            for i in imgs:
                if not i['ok']: problems.append(f"slips: figure {i['src']} did not load")
                if len(i['alt']) < 30 or '.png' in i['alt']: problems.append(f"slips: figure {i['src']} has no real alt text ({i['alt']!r})")
            text = driver.execute_script("return document.querySelector('main').innerText")
            for bad in ('Traceback', 'Error:', 'Warning:', '/root/', 'offline source'):
                if bad in text: problems.append(f'slips: the page shows {bad!r}')
        screenshot(driver, SHOTS/f'slips-{name}.png')
        wide = too_wide(driver)
        if wide['page'] > wide['screen'] + 1 or wide['wide']:
            problems.append(f"slips ({name}): {wide['page']} px wide on a {wide['screen']} px screen: {wide['wide']}")
        problems += [f'slips ({name}): request to {u}' for u in offsite(driver, base_url)]
    if open_page(driver, urljoin(base_url, 'review.html'), DESKTOP):
        ids = driver.execute_script("return Array.from(document.querySelectorAll('[id]'), e => e.id)")
        want = ['questionnaire', 'further-research'] + [f'q{k}' for k in range(1, 38)]
        missing = [i for i in want if i not in ids]
        if missing: problems.append(f'review: missing anchors {missing}')
    else: problems.append('review: the page did not load')
    return problems


# ---- run alone ---------------------------------------------------------------------------------------------------------
def _driver():
    "Headless Chromium that can reach nothing but 127.0.0.1"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which('chromium') or '/usr/bin/chromium'
    for a in ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
              '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', '--hide-scrollbars', f'--window-size={DESKTOP[0]},{DESKTOP[1]}',
              '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1']:
        opts.add_argument(a)
    return webdriver.Chrome(options=opts, service=Service(executable_path=shutil.which('chromedriver') or '/usr/bin/chromedriver'))


def main(site=ROOT/'_docs'):
    import functools, http.server, threading
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f'http://127.0.0.1:{server.server_address[1]}/'
    driver = _driver()
    try: problems = check_slips(driver, base) + check_play(driver, base)
    finally: driver.quit(); server.shutdown()
    print(*(problems or ['slips and play: no problems']), sep='\n')
    print(f'screenshots in {SHOTS.relative_to(ROOT)}/')
    return 1 if problems else 0


if __name__ == '__main__': sys.exit(main(*(Path(a) for a in sys.argv[1:])))
