// "Draw a digit": the chapter's models, run in the browser on what the reader draws.
// Plain JavaScript, no framework, no network but the weights file next to this script.
// The weights come from nbs/10_draw.ipynb: draw/weights.js (window.MNIST_NB_DRAW_WEIGHTS, so that the page also
// works opened as a file) or else draw/weights.json. The notebook checks that `predictAll` gives PyTorch's outputs
// and that `mnistLike` gives `mnist_nb.draw.mnist_like`'s image, in headless Chromium.
// The weights are checked when they load (as `check_draw_models` checks the models in Python): a file that is
// missing, broken or of another shape gets a message on the page, never "Loading..." for ever.
(function () {
  'use strict';
  const SIDE = 28, BOX = 20, N = SIDE * SIDE, FORMAT = 'mnist_nb draw weights 1';
  const MIN_FRAC = 0.2;        // as `enough_ink`: a bounding box under a fifth of the canvas is not read
  const LOAD_WAIT_S = 20;      // after this long without weights, the page says so
  const SCRIPT_SRC = document.currentScript ? document.currentScript.src : location.href;
  // the tensors the page computes with, and their shapes: h and k are the hidden sizes of the two nets
  const SPEC = {'mean3': [N], 'mean7': [N], 'linear.weight': [1, N], 'linear.bias': [1],
    'net.0.weight': ['h', N], 'net.0.bias': ['h'], 'net.2.weight': [1, 'h'], 'net.2.bias': [1],
    'ten.0.weight': ['k', N], 'ten.0.bias': ['k'], 'ten.2.weight': [10, 'k'], 'ten.2.bias': [10]};

  // ---- the weights file: the shapes first, then each tensor's data against its shape -------------------------
  function checkWeights(raw) {
    if (!raw || typeof raw !== 'object' || raw.format !== FORMAT || !raw.tensors || typeof raw.tensors !== 'object')
      return `not a weights file of this page (its "format" should be "${FORMAT}")`;
    const sizes = {};
    for (const [name, want] of Object.entries(SPEC)) {
      const t = raw.tensors[name];
      if (!t) return `the tensor "${name}" is missing`;
      if (!Array.isArray(t.shape) || typeof t.b64 !== 'string') return `the tensor "${name}" has no shape or no data`;
      const fits = (w, i) => typeof w === 'number' ? t.shape[i] === w
        : Number.isInteger(t.shape[i]) && t.shape[i] > 0 && (sizes[w] = sizes[w] || t.shape[i]) === t.shape[i];
      if (t.shape.length !== want.length || !want.every(fits))
        return `the tensor "${name}" has shape [${t.shape}], where the page computes with [${want}]`;
    }
    return null;
  }

  // ---- the tensors: base64 of little-endian float32 --------------------------------------------------------
  function decode(t) {
    const bin = atob(t.b64);
    if (bin.length % 4) throw new Error(`${bin.length} bytes, not a whole number of float32s`);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const a = new Float32Array(bytes.buffer);
    const n = t.shape.reduce((x, y) => x * y, 1);
    if (a.length !== n) throw new Error(`${a.length} numbers for shape [${t.shape}]`);
    return {data: a, shape: t.shape};
  }

  // ---- MNIST's preprocessing: bounding box into 20x20 keeping the aspect ratio, centre of mass at the centre --
  // `ink`: H*W values in [0, 1] (row by row); returns 784 values in [0, 1], ink = 1.
  function mnistLike(ink, H, W) {
    const out = new Float64Array(SIDE * SIDE);
    let r0 = H, r1 = -1, c0 = W, c1 = -1;
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) if (ink[r * W + c] > 0) {
      if (r < r0) r0 = r; if (r > r1) r1 = r; if (c < c0) c0 = c; if (c > c1) c1 = c;
    }
    if (r1 < 0) return out;                                  // nothing drawn
    const h = r1 - r0 + 1, w = c1 - c0 + 1, s = Math.max(h, w);
    const top = Math.floor((s - h) / 2), left = Math.floor((s - w) / 2);
    const sq = (r, c) => {                                   // the box, padded to a square, centred
      const rr = r - top + r0, cc = c - left + c0;
      return (r >= top && r < top + h && c >= left && c < left + w) ? ink[rr * W + cc] : 0;
    };
    const small = new Float64Array(BOX * BOX);               // adaptive average pooling to 20x20 (as PyTorch's)
    let mx = 0;
    for (let i = 0; i < BOX; i++) {
      const y0 = Math.floor(i * s / BOX), y1 = Math.ceil((i + 1) * s / BOX);
      for (let j = 0; j < BOX; j++) {
        const x0 = Math.floor(j * s / BOX), x1 = Math.ceil((j + 1) * s / BOX);
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += sq(y, x);
        const v = sum / ((y1 - y0) * (x1 - x0));
        small[i * BOX + j] = v; if (v > mx) mx = v;
      }
    }
    let tot = 0, cy = 0, cx = 0;
    for (let i = 0; i < BOX; i++) for (let j = 0; j < BOX; j++) {
      const v = small[i * BOX + j] / mx; small[i * BOX + j] = v; tot += v; cy += i * v; cx += j * v;
    }
    const clamp = v => Math.min(SIDE - BOX, Math.max(0, v));
    const oy = clamp(Math.floor((SIDE - 1) / 2 - cy / tot + 0.5)), ox = clamp(Math.floor((SIDE - 1) / 2 - cx / tot + 0.5));
    for (let i = 0; i < BOX; i++) for (let j = 0; j < BOX; j++) out[(i + oy) * SIDE + j + ox] = small[i * BOX + j];
    return out;
  }

  // ---- is there a digit at all? As `enough_ink`: the bounding box's longer side, against the canvas's ----------
  function enoughInk(ink, H, W) {
    let r0 = H, r1 = -1, c0 = W, c1 = -1;
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) if (ink[r * W + c] > 0) {
      if (r < r0) r0 = r; if (r > r1) r1 = r; if (c < c0) c0 = c; if (c > c1) c1 = c;
    }
    return r1 >= 0 && Math.max(r1 - r0 + 1, c1 - c0 + 1) >= MIN_FRAC * Math.max(H, W);
  }

  // ---- the models ---------------------------------------------------------------------------------------------
  function linear(x, w, b) {                                 // y = W x + b, with W [out, in] as nn.Linear keeps it
    const [nOut, nIn] = w.shape, y = new Float64Array(nOut);
    for (let o = 0; o < nOut; o++) {
      let s = b.data[o];
      for (let i = 0; i < nIn; i++) s += w.data[o * nIn + i] * x[i];
      y[o] = s;
    }
    return y;
  }
  const relu = v => v.map(z => Math.max(z, 0));
  const sigmoid = z => 1 / (1 + Math.exp(-z));
  function softmax(v) {
    const m = Math.max(...v), e = Array.from(v, z => Math.exp(z - m)), s = e.reduce((a, b) => a + b, 0);
    return e.map(z => z / s);
  }
  const meanAbs = (x, m) => { let s = 0; for (let i = 0; i < x.length; i++) s += Math.abs(x[i] - m.data[i]); return s / x.length; };

  function predictAll(W, x) {
    const d3 = meanAbs(x, W.mean3), d7 = meanAbs(x, W.mean7);
    const lin = sigmoid(linear(x, W['linear.weight'], W['linear.bias'])[0]);
    const net = sigmoid(linear(relu(linear(x, W['net.0.weight'], W['net.0.bias'])), W['net.2.weight'], W['net.2.bias'])[0]);
    const logits = linear(relu(linear(x, W['ten.0.weight'], W['ten.0.bias'])), W['ten.2.weight'], W['ten.2.bias']);
    const probs = softmax(logits);
    return {
      pixel: {digit: d3 < d7 ? 3 : 7, dist3: d3, dist7: d7},
      linear: {digit: lin > 0.5 ? 3 : 7, p3: lin},
      net: {digit: net > 0.5 ? 3 : 7, p3: net},
      ten: {digit: probs.indexOf(Math.max(...probs)), probs: probs, logits: Array.from(logits)},
    };
  }

  // ---- the page ------------------------------------------------------------------------------------------------
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text) e.textContent = text; return e; };
  const pct = p => (100 * p).toFixed(1) + '%';

  function card(root, title, sub) {
    const c = el('div', 'draw-card'); c.append(el('div', 'draw-card-title', title), el('div', 'draw-card-sub', sub));
    const digit = el('div', 'draw-digit', '?'), detail = el('div', 'draw-detail', 'draw a digit');
    c.append(digit, detail); root.append(c);
    return {digit, detail, card: c};
  }

  function build(root, W, meta) {
    root.textContent = '';
    const row = el('div', 'draw-row');
    const left = el('div', 'draw-left');
    const canvas = el('canvas', 'draw-input'); canvas.width = canvas.height = 280;
    canvas.setAttribute('aria-label', 'draw a digit here');
    const buttons = el('div', 'draw-buttons'), clearBtn = el('button', 'draw-clear', 'Clear');
    buttons.append(clearBtn);
    const seen = el('canvas', 'draw-seen'); seen.width = seen.height = SIDE;
    const seenBox = el('div', 'draw-seen-box'); seenBox.append(el('div', 'draw-card-sub', 'what the models see: 28×28'), seen);
    left.append(canvas, buttons, seenBox);
    const cards = el('div', 'draw-cards');
    const out = {
      pixel: card(cards, 'Pixel similarity', 'closer to the mean 3 or the mean 7? (notebook 1)'),
      linear: card(cards, 'Linear model', '3 vs 7, one weight per pixel (notebooks 3-5)'),
      net: card(cards, 'Simple net', '3 vs 7, 784-30-1 with a ReLU (notebook 6)'),
      ten: card(cards, 'Ten digits', '784-64-10 with softmax (notebook 8)'),
    };
    const bars = el('div', 'draw-bars'), barEls = [];
    for (let d = 0; d < 10; d++) {
      const b = el('div', 'draw-bar'), fill = el('div', 'draw-bar-fill'), lab = el('span', 'draw-bar-label', String(d));
      b.append(fill, lab); bars.append(b); barEls.push(fill);
    }
    out.ten.card.append(bars);
    row.append(left, cards);
    root.append(row);
    if (meta) root.append(el('p', 'draw-meta', meta));

    const ctx = canvas.getContext('2d');
    let drawing = false, last = null;
    const pos = e => { const r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; };
    canvas.addEventListener('pointerdown', e => {
      drawing = true; last = pos(e); canvas.setPointerCapture && canvas.setPointerCapture(e.pointerId);
      ctx.beginPath(); ctx.arc(last[0], last[1], 11, 0, 2 * Math.PI); ctx.fill(); e.preventDefault();
    });
    canvas.addEventListener('pointermove', e => {
      if (!drawing) return;
      const p = pos(e);
      ctx.lineWidth = 22; ctx.lineCap = ctx.lineJoin = 'round'; ctx.strokeStyle = ctx.fillStyle = '#000';
      ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke();
      last = p; e.preventDefault();
    });
    const end = () => { if (drawing) { drawing = false; update(); } };
    canvas.addEventListener('pointerup', end); canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('pointerleave', end);
    ctx.fillStyle = '#000';

    function update() {
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height).data, n = canvas.width * canvas.height;
      const ink = new Float64Array(n);
      for (let i = 0; i < n; i++) ink[i] = img[4 * i + 3] / 255;   // alpha: how much ink
      const x = mnistLike(ink, canvas.height, canvas.width);
      const sctx = seen.getContext('2d'), sd = sctx.createImageData(SIDE, SIDE);
      for (let i = 0; i < SIDE * SIDE; i++) { const g = 255 - Math.round(255 * x[i]); sd.data.set([g, g, g, 255], 4 * i); }
      sctx.putImageData(sd, 0, 0);
      if (!enoughInk(ink, canvas.height, canvas.width)) { reset('too little ink: draw a digit, larger'); api.note = 'too little ink'; return; }
      api.note = null;
      const r = predictAll(W, x);
      out.pixel.digit.textContent = r.pixel.digit;
      out.pixel.detail.textContent = `distance to the mean 3: ${r.pixel.dist3.toFixed(3)}, to the mean 7: ${r.pixel.dist7.toFixed(3)}`;
      out.linear.digit.textContent = r.linear.digit;
      out.linear.detail.textContent = `a 3 with probability ${pct(r.linear.p3)}`;
      out.net.digit.textContent = r.net.digit;
      out.net.detail.textContent = `a 3 with probability ${pct(r.net.p3)}`;
      out.ten.digit.textContent = r.ten.digit;
      out.ten.detail.textContent = `probability ${pct(r.ten.probs[r.ten.digit])}`;
      r.ten.probs.forEach((p, d) => { barEls[d].style.height = (100 * p).toFixed(1) + '%'; });
      api.last = r; api.seen = Array.from(x);
    }
    function reset(say) {
      for (const k in out) { out[k].digit.textContent = '?'; out[k].detail.textContent = say; }
      barEls.forEach(b => { b.style.height = '0'; });
      api.last = null;
    }
    function clear() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      seen.getContext('2d').clearRect(0, 0, SIDE, SIDE);
      reset('draw a digit'); api.note = null;
    }
    clearBtn.addEventListener('click', clear);
    api.clear = clear;
  }

  // ---- start ---------------------------------------------------------------------------------------------------
  const api = window.mnistDraw = {ready: false, error: null, note: null, last: null, mnistLike, enoughInk, checkWeights,
                                  predictAll: null, clear: () => {}};
  let waiting = null;

  function start(raw) {
    const problem = checkWeights(raw);
    if (problem) return fail(problem);
    const W = {};
    for (const k of Object.keys(SPEC)) {
      try { W[k] = decode(raw.tensors[k]); }
      catch (e) { return fail(`the data of the tensor "${k}" does not match its shape (${e.message})`); }
    }
    clearTimeout(waiting);
    api.weights = W; api.info = raw;
    api.predictAll = x => predictAll(W, x);
    const root = document.getElementById('mnist-draw');
    if (root) build(root, W, raw.about);
    api.ready = true;
  }
  function fail(err) {
    clearTimeout(waiting);
    api.error = String(err);
    const root = document.getElementById('mnist-draw');
    if (root) {
      root.textContent = '';
      root.append(el('p', 'draw-error', `The models' weights could not be used: ${err}. ` +
        'The page needs draw/weights.js or draw/weights.json next to it, as nbs/10_draw.ipynb writes them.'));
    }
    console.error('mnist_nb draw:', err);
  }
  function load() {
    waiting = setTimeout(() => fail(`they have not arrived after ${LOAD_WAIT_S} s`), LOAD_WAIT_S * 1000);
    if (window.MNIST_NB_DRAW_WEIGHTS) return start(window.MNIST_NB_DRAW_WEIGHTS);
    fetch(new URL('weights.json', SCRIPT_SRC))
      .then(r => r.ok ? r.json() : Promise.reject(`draw/weights.json could not be loaded (HTTP ${r.status})`))
      .then(start)
      .catch(e => fail(typeof e === 'string' ? e : `draw/weights.json could not be loaded (${e.message || e})`));
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', load); else load();
})();
