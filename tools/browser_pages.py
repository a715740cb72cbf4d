"""The page checks of the site's browser test (tools/browser_test.py) for the pages with widgets of their own: draw,
slips, play, used as a reader would. Each `check(driver, base_url)` yields problems; the harness runs it after the
page's common checks (`--pages draw slips play` runs these pages alone), and catches any request it makes that
leaves the local server. Screenshots: draw-drawn-3, draw-phone-drawn, play-{coaster,x2}-{desktop,phone}.
"""
import json, time
from urllib.request import urlopen
from selenium.webdriver import ActionChains, Keys
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from browser_test import DESKTOP, PHONE, PHONE_HEIGHT, in_view, note, open_page, page_ids, screenshot, set_size, \
    too_wide

# ---- Draw a digit ---------------------------------------------------------------------------------------------
DRAW_READY = 'window.mnistDraw && window.mnistDraw.ready'
THREE = [[(0.3, 0.25), (0.45, 0.18), (0.62, 0.22), (0.66, 0.35), (0.55, 0.47), (0.42, 0.5)],
         [(0.55, 0.5), (0.67, 0.6), (0.66, 0.74), (0.5, 0.82), (0.3, 0.78)]]
SEVEN = [[(0.28, 0.2), (0.72, 0.2), (0.62, 0.4), (0.52, 0.6), (0.45, 0.82)]]
TWO = [[(0.3, 0.32), (0.38, 0.2), (0.52, 0.16), (0.65, 0.22), (0.68, 0.35), (0.6, 0.5), (0.45, 0.64), (0.3, 0.8),
        (0.5, 0.8), (0.72, 0.8)]]

def drawn(driver, canvas, strokes):
    "Clear the canvas, draw `strokes` (lists of (x, y) in [0, 1] of the canvas) with the mouse: the page's answers"
    driver.execute_script("window.mnistDraw.clear()")
    w, h = canvas.size['width'], canvas.size['height']
    for s in strokes:
        pts = [(int((x - 0.5)*w), int((y - 0.5)*h)) for x, y in s]  # offsets from the canvas's centre
        a = ActionChains(driver, duration=0).move_to_element_with_offset(canvas, *pts[0]).click_and_hold()
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            for k in range(1, 5): a.move_by_offset(round((x1 - x0)*k/4) - round((x1 - x0)*(k - 1)/4),
                                                   round((y1 - y0)*k/4) - round((y1 - y0)*(k - 1)/4))
        a.release().perform()
    time.sleep(0.3)
    return driver.execute_script("return window.mnistDraw.last")   # None when it read nothing

def check_draw(driver, base):
    """A 3, a 7 and a 2 drawn with the mouse are read (the 2 by the ten-digit model), a dot alone gets "draw a digit";
    then on a phone, and without the weights"""
    if not open_page(driver, base + 'draw.html', DESKTOP, ready=DRAW_READY):
        shown = driver.execute_script("return document.getElementById('mnist-draw').innerText")
        yield f'the drawing page did not load its weights: {shown[:200]!r}'; return
    canvas = driver.find_element(By.CSS_SELECTOR, 'canvas.draw-input')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    for digit, strokes, models in ((3, THREE, None), (7, SEVEN, None), (2, TWO, ['ten'])):
        if not (res := drawn(driver, canvas, strokes)): yield f'drawing a {digit} gave no answers'; continue
        answers = {k: v['digit'] for k, v in res.items()}
        if (wrong := {k: v for k, v in answers.items() if v != digit and (models is None or k in models)}):
            yield f'a drawn {digit} read as {wrong}'
        note(f"drew a {digit}: " + ', '.join(f'{k} says {v}' for k, v in answers.items()))
        if digit == 3: screenshot(driver, 'draw-drawn-3.png', DESKTOP, 900); set_size(driver, DESKTOP)
    res = drawn(driver, canvas, [[(0.5, 0.5)]])   # a dot
    shown = driver.execute_script("return [window.mnistDraw.note, ...['.draw-digit', '.draw-detail'].map(s => "
                                  "Array.from(document.querySelectorAll(s), e => e.innerText))]")
    if res or shown[0] != 'too little ink' or set(shown[1]) != {'?'} or not all('draw a digit' in t for t in shown[2]):
        yield f'a dot alone is read as a digit: {res or shown}'
    else: note('drew a dot: every model says "draw a digit"')
    yield from check_draw_phone(driver, base)
    yield from check_draw_without_weights(driver, base)

def check_draw_phone(driver, base):
    "At 390x844, the canvas and the four answers fit on the screen together; a 3 drawn there is read"
    if not open_page(driver, base + 'draw.html', PHONE, PHONE_HEIGHT, DRAW_READY):
        yield 'on a phone the drawing page did not load'; return
    canvas = driver.find_element(By.CSS_SELECTOR, 'canvas.draw-input')
    driver.execute_script("const h = document.querySelector('#quarto-header'), r = arguments[0].getBoundingClientRect()"
                          "; scrollTo(0, r.top + scrollY - (h ? h.getBoundingClientRect().height : 0) - 8)", canvas)
    time.sleep(0.3)
    answers = driver.find_elements(By.CSS_SELECTOR, '.draw-digit')
    seen = [in_view(driver, e) for e in [canvas, *answers]]
    if len(answers) != 4 or not all(seen):
        yield f'at {PHONE}x{PHONE_HEIGHT} the canvas and the four answers are not all on the screen ({seen})'
    if not (res := drawn(driver, canvas, THREE)) or res['ten']['digit'] != 3:
        yield f"on a phone a drawn 3 read as {res and {k: v['digit'] for k, v in res.items()}}"
    screenshot(driver, 'draw-phone-drawn.png', PHONE, PHONE_HEIGHT)

def check_draw_without_weights(driver, base):
    "With its weights files unreachable, the page says so (never 'Loading...' for ever)"
    driver.execute_cdp_cmd('Network.setBlockedURLs', {'urls': ['*draw/weights.js', '*draw/weights.json']})
    try: text = open_page(driver, base + 'draw.html', DESKTOP,
                          ready="(document.querySelector('#mnist-draw .draw-error') || {}).innerText")
    finally:
        driver.execute_cdp_cmd('Network.setBlockedURLs', {'urls': []})
        driver.get_log('browser')   # the failed loads were the point
    if not text or 'Loading' in text: yield 'without its weights the drawing page shows no message'

# ---- Where the book slips -------------------------------------------------------------------------------------
SLIPS = {'rmse-not-mse': [327, 401, 434, 450, 454, 473, 492], 'sigmoid-threshold': [347, 427, 461],
         '784-not-768': [228], 'mean3': [317], 'abs-in-mnist-distance': [146, 215]}   # anchor: fastbook issues cited
FASTBOOK_ISSUE = 'https://github.com/fastai/fastbook/issues/{}'
SLIPS_JS = """const out = {}; let cur = null;   // the links of each section: after its anchor <a id>, up to the next
for (const a of document.querySelectorAll('main a')) {
  if (a.id && !a.hasAttribute('href')) { cur = a.id; out[cur] = []; } else if (cur && a.href) out[cur].push(a.href); }
const q = s => Array.from(document.querySelectorAll(s));
return [out, q('main a[href]').map(a => a.href), document.querySelector('main').innerText,
        q('main img').map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0, alt: i.alt}))];"""

def check_slips(driver, base):
    """Each slip's anchor and the fastbook issues it cites; links to the review's questionnaire and further research,
    whose anchors (one per question) exist; figures with real alt text; no error or machine path in the text"""
    open_page(driver, base + 'slips.html', DESKTOP)
    found, hrefs, text, imgs = driver.execute_script(SLIPS_JS)
    for slip, nums in SLIPS.items():
        if slip not in found: yield f'no anchor #{slip}'
        elif (missing := [n for n in nums if FASTBOOK_ISSUE.format(n) not in found[slip]]):
            yield f'#{slip} does not link fastbook issues {missing}'
    for anchor in ('questionnaire', 'further-research'):
        if not any(h.split('#')[0].endswith('review.html') and h.endswith('#' + anchor) for h in hrefs):
            yield f'no link to review.html#{anchor}'
    if len(imgs) < 2: yield f'{len(imgs)} figures, expected at least 2'
    for i in imgs:
        if not i['ok']: yield f"figure {i['src']} did not load"
        if len(i['alt']) < 30 or '.png' in i['alt']: yield f"figure {i['src']} has no real alt text ({i['alt']!r})"
    yield from (f'the page shows {bad!r}' for bad in ('Traceback', 'Error:', 'Warning:', '/root/', 'offline source')
                if bad in text)
    want = ['questionnaire', 'further-research'] + [f'q{k}' for k in range(1, 38)]
    if (missing := [i for i in want if i not in page_ids('review.html')]):
        yield f'review.html: missing anchors {missing}'

# ---- SGD to play with -----------------------------------------------------------------------------------------
TOL = 1e-5     # relative agreement of the page's numbers with PyTorch's
PLAY_READY = 'window.mnistPlay && mnistPlay.ready && mnistPlay.coaster && mnistPlay.x2'
REPLAY_JS = """const P = mnistPlay, c = P.data.coaster, n = arguments[0].n;
  return {coaster: arguments[0].coaster.map(r => P.trace(c.params, r.lr, n, P.coasterLoss(c.time, c.speed, r.root))),
          x2: arguments[0].x2.map(r => P.trace([r.x0], r.lr, n, P.x2Loss))};"""

def rel_err(a, b):
    "Largest error of the rows of `a` against those of `b`, each relative to the size of its row of `b`"
    a, b = ([r if isinstance(r, list) else [r] for r in v] for v in (a, b))
    if len(a) != len(b) or any(len(x) != len(y) for x, y in zip(a, b)): return float('inf')
    norm = lambda v: sum(x * x for x in v) ** 0.5
    return max((norm([x - y for x, y in zip(ra, rb)]) / max(norm(rb), 1e-300) for ra, rb in zip(a, b)), default=0.)

def touch(driver, element, *points):
    "A finger on `element`: a tap at its centre, or a drag through `points` (offsets in px from its centre)"
    ab = ActionBuilder(driver, mouse=PointerInput('touch', 'finger'))
    ab.pointer_action.move_to(element, *(points or [(0, 0)])[0]).pointer_down().pause(0.05)
    for x, y in points[1:]: ab.pointer_action.move_to(element, x, y)
    ab.pointer_action.pointer_up(); ab.perform()

def set_slider(driver, slider, index):
    "Move a range input to position `index` with the keyboard, as a reader would"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", slider)
    slider.send_keys(Keys.HOME, *[Keys.ARROW_RIGHT] * index)

def ref_run(ref, kind, **kw):
    "The reference run of `kind` whose settings are `kw`"
    return next(r for r in ref[kind] if all(r[k] == v for k, v in kw.items()))

def widget(driver, name):
    "The widget `name` (coaster, x2): its elements by CSS selector, its state"
    return (lambda css: driver.find_elements(By.CSS_SELECTOR, f'#play-{name} {css}'),
            lambda: driver.execute_script(f'return mnistPlay.{name}.state()'))

def use_coaster(driver, ref, data, tap):
    "The roller coaster: its slider, buttons (mouse or finger), square-root box, against PyTorch"
    find, state = widget(driver, 'coaster')
    one, lrs = lambda css: find(css)[0], data['coaster']['lrs']
    pixels = lambda: [driver.execute_script('return arguments[0].toDataURL()', c) for c in find('canvas')]
    one('.play-reset').click()
    if one('input[type=checkbox]').is_selected(): one('input[type=checkbox]').click()
    set_slider(driver, one('input[type=range]'), lrs.index(3e-5))
    if (s := state())['lr'] != 3e-5 or one('output').text != '3e-5':
        yield f"the coaster's slider gave lr {s['lr']} ({one('output').text}), not 3e-5"
    before = pixels()
    one('.play-run10').click()
    s, run = state(), ref_run(ref, 'coaster', lr=3e-5, root=False)
    if s['step'] != 10: yield f"'Run 10 steps' left the coaster at step {s['step']}"
    if (err := max(rel_err([s['params']], [run['params'][10]]), rel_err(s['losses'], run['loss'][:11]))) > TOL:
        yield f"after 10 steps at 3e-5 the coaster differs from PyTorch by {err:.1e}"
    if any(a == b for a, b in zip(before, pixels())): yield 'a canvas of the coaster was not redrawn after the steps'
    tap(one('.play-step'))
    if (s := state())['step'] != 11 or rel_err([s['params']], [run['params'][11]]) > TOL:
        yield f"pressing Step gave step {s['step']}, params {s['params']}, PyTorch: {run['params'][11]}"
    tap(one('input[type=checkbox]'))                     # the square root: the run starts again
    set_slider(driver, one('input[type=range]'), lrs.index(1e-5))
    for _ in range(2): tap(one('.play-run10'))
    s, run = state(), ref_run(ref, 'coaster', lr=1e-5, root=True)
    if not s['root'] or s['step'] != 20: yield f"with the square root ticked: root={s['root']}, step {s['step']}"
    elif max(rel_err([s['params']], [run['params'][20]]), rel_err(s['losses'][:20], run['loss'])) > TOL:
        yield "the coaster with the square root differs from PyTorch's"
    one('.play-reset').click()
    if (s := state())['step'] != 0 or rel_err([s['params']], [data['coaster']['params']]) > 0:
        yield 'Reset did not bring the coaster back to its start'
    if one('input[type=checkbox]').is_selected(): one('input[type=checkbox]').click()
    one('.play-run10').click()     # for the picture: 10 steps of mse

def use_x2(driver, ref, data, tap):
    "The x**2 widget: presets, sliders, a finger dragging the start; against PyTorch and 1 - 2*lr"
    find, state = widget(driver, 'x2')
    lrs, (lr_slider, steps_slider) = data['x2']['lrs'], find('input[type=range]')
    for b in find('.play-preset'):
        tap(b)
        s, run = state(), ref_run(ref, 'x2', lr=float(b.get_attribute('data-lr')))
        if s['lr'] != run['lr'] or (err := rel_err(s['xs'], run['params'][:s['steps'] + 1])) > TOL:
            yield f"x² preset '{b.text}' gave lr {s['lr']}, error {err:.1e}"
        if b.text != s['regime']: yield f"x² preset '{b.text}' is described as '{s['regime']}'"
    set_slider(driver, lr_slider, lrs.index(1.0)); set_slider(driver, steps_slider, 19)
    s, run = state(), ref_run(ref, 'x2', lr=1.0)
    if s['steps'] != 20 or s['regime'] != 'bounces' or rel_err(s['xs'], run['params']) > TOL:
        yield f"x² at lr 1 for 20 steps: steps {s['steps']}, '{s['regime']}', positions {s['xs'][:4]}..."
    set_slider(driver, lr_slider, lrs.index(0.9))
    canvas = find('canvas')[0]
    before, w = driver.execute_script('return arguments[0].toDataURL()', canvas), canvas.size['width']
    touch(driver, canvas, *[(-w // 8 + (w // 6 + w // 8) * k // 5, 0) for k in range(6)])
    s = state()
    path = [[s['x0'] * (1 - 2 * s['lr']) ** k] for k in range(s['steps'] + 1)]   # gradient descent on x**2
    if not (0 < s['x0'] <= 2) or rel_err(s['xs'], path) > 1e-9:
        yield f"dragging a finger on x² gave the start {s['x0']} and path {s['xs'][:3]}..."
    if driver.execute_script('return arguments[0].toDataURL()', canvas) == before: yield 'the x² plot was not redrawn'

def check_play(driver, base):
    """The page's JavaScript replays every run of play/reference.json (PyTorch's autograd, nbs/12_play.ipynb) within
    TOL; at desktop and phone sizes, its widgets used with keyboard, mouse or finger hold PyTorch's numbers"""
    ref, data = (json.loads(urlopen(base + f'play/{f}.json', timeout=10).read()) for f in ('reference', 'data'))
    for width, height, size in ((DESKTOP, 1000, 'desktop'), (PHONE, PHONE_HEIGHT, 'phone')):
        if not open_page(driver, base + 'play.html', width, height, PLAY_READY):
            yield f'({size}) the widgets did not start'; return
        if size == 'desktop':
            js = driver.execute_script(REPLAY_JS, ref)
            err = max(rel_err(j[k], r[k]) for kind in ('coaster', 'x2') for j, r in zip(js[kind], ref[kind])
                      for k in ('params', 'loss', 'grad'))
            note(f"{len(ref['coaster']) + len(ref['x2'])} runs of {ref['n']} steps in Chromium; largest relative "
                 f"error of positions, losses and gradients against PyTorch: {err:.1e}")
            if err > TOL: yield f"the page's gradient descent differs from PyTorch's by {err:.1e} (relative)"
        tap = (lambda e: touch(driver, e)) if size == 'phone' else (lambda e: e.click())
        for name, use in (('coaster', use_coaster), ('x2', use_x2)):
            yield from (f'({size}) {p}' for p in use(driver, ref, data, tap))
            screenshot(driver, f'play-{name}-{size}.png', element=driver.find_element(By.ID, f'play-{name}'))
        yield from too_wide(driver, size)


CHECKS = {'draw': check_draw, 'slips': check_slips, 'play': check_play}   # merged into browser_test.PAGE_CHECKS
