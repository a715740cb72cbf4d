// "SGD to play with": notebook 02's gradient descent, run in the browser.
// Plain JavaScript and <canvas>, no library, no network but the data file next to this script.
// The data (02's roller coaster, the learning rates of the sliders) come from nbs/12_play.ipynb: play/data.js
// (window.MNIST_NB_PLAY_DATA, so that the page also works opened as a file) or else play/data.json. The notebook, and
// the site's browser test, check that `trace` gives PyTorch's autograd positions, losses and gradients.
(function () {
  'use strict';
  const SCRIPT_SRC = document.currentScript ? document.currentScript.src : location.href;

  // ---- the maths: losses and their gradients, by hand (PyTorch's autograd gives the same) ---------------------
  const quadratic = (t, p) => p[0] * (t * t) + (p[1] * t) + p[2];     // a*t**2 + b*t + c, as mnist_nb.sgd.quadratic

  // The roller coaster: mse of quadratic(time, p) against speed, or its square root (rmse) when `root`.
  function coasterLoss(time, speed, root) {
    return p => {
      const n = time.length, g = [0, 0, 0];
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const t = time[i], r = quadratic(t, p) - speed[i];
        loss += r * r; g[0] += 2 * r * t * t; g[1] += 2 * r * t; g[2] += 2 * r;
      }
      loss /= n;
      for (let j = 0; j < 3; j++) g[j] /= n;
      if (!root) return {loss, grad: g};
      const s = Math.sqrt(loss);                                        // d sqrt(L) = dL / (2 sqrt(L))
      return {loss: s, grad: g.map(v => v / (2 * s))};
    };
  }
  const x2Loss = p => ({loss: p[0] * p[0], grad: [2 * p[0]]});        // f(x) = x**2, as notebook 02

  // `n` steps of gradient descent from `p0`: every position, and the loss and gradient before each step.
  function trace(p0, lr, n, lossOf) {
    const params = [Array.from(p0)], loss = [], grad = [];
    let p = Array.from(p0);
    for (let k = 0; k < n; k++) {
      const r = lossOf(p);
      loss.push(r.loss); grad.push(r.grad);
      p = p.map((v, j) => v - lr * r.grad[j]);
      params.push(p);
    }
    return {params, loss, grad};
  }

  // What a learning rate does on x**2: each step multiplies x by 1 - 2*lr.
  function x2Regime(lr) {
    const r = 1 - 2 * lr;
    if (Math.abs(r) > 1) return {name: 'diverges', text: 'too big: every step lands further away than the last'};
    if (Math.abs(r) === 1) return {name: 'bounces', text: 'too big: it bounces between two points for ever'};
    if (r < 0) return {name: 'bouncing', text: 'too big: it overshoots and bounces from side to side, but closes in'};
    if (lr < 0.15) return {name: 'too small', text: 'too small: it creeps towards the minimum'};
    return {name: 'about right', text: 'about right: it gets close in a few steps'};
  }

  // ---- drawing -----------------------------------------------------------------------------------------------------
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; };
  const fmt = v => (Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0)) ? v.toExponential(2) : (+v.toPrecision(4)).toString();
  const fmtLr = v => (v < 1e-3 ? v.toExponential(1).replace('.0e', 'e') : String(v));   // 3.5e-5, 1e-5
  const css = (node, name, fallback) => getComputedStyle(node).getPropertyValue(name).trim() || fallback;

  // A canvas sized to its box (sharp on high-density screens) with a plot area and data-to-pixel maps.
  function frame(canvas, xr, yr, pad) {
    const dpr = window.devicePixelRatio || 1, w = canvas.clientWidth || 300, h = canvas.clientHeight || 200;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const [l, r, t, b] = pad || [44, 10, 10, 30];
    const X = x => l + (x - xr[0]) / (xr[1] - xr[0]) * (w - l - r);
    const Y = y => t + (yr[1] - y) / (yr[1] - yr[0]) * (h - t - b);
    const invX = px => xr[0] + (px - l) / (w - l - r) * (xr[1] - xr[0]);
    const fg = css(canvas, '--play-fg', '#222'), grid = css(canvas, '--play-grid', '#ddd');
    ctx.font = '12px system-ui, sans-serif'; ctx.lineWidth = 1;
    return {ctx, w, h, l, r, t, b, X, Y, invX, fg, grid};
  }

  function axes(f, xticks, yticks, xlabel, ylabel, ylab) {
    const {ctx, w, h, l, r, t, b, X, Y, fg, grid} = f;
    ctx.strokeStyle = grid; ctx.fillStyle = fg;
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    for (const y of yticks) {
      ctx.beginPath(); ctx.moveTo(l, Y(y)); ctx.lineTo(w - r, Y(y)); ctx.stroke();
      ctx.fillText(ylab ? ylab(y) : String(y), l - 4, Y(y));
    }
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    for (const x of xticks) ctx.fillText(String(x), X(x), h - b + 4);
    ctx.strokeStyle = fg; ctx.strokeRect(l, t, w - l - r, h - t - b);
    if (xlabel) { ctx.textBaseline = 'bottom'; ctx.fillText(xlabel, l + (w - l - r) / 2, h); }
    if (ylabel) {
      ctx.save(); ctx.translate(10, t + (h - t - b) / 2); ctx.rotate(-Math.PI / 2);
      ctx.textBaseline = 'middle'; ctx.fillText(ylabel, 0, 0); ctx.restore();
    }
  }

  function dot(ctx, x, y, rad, color) { ctx.fillStyle = color; ctx.beginPath(); ctx.arc(x, y, rad, 0, 2 * Math.PI); ctx.fill(); }

  function slider(label, values, start, show) {
    const wrap = el('label', 'play-slider'), input = el('input'), out = el('output');
    input.type = 'range'; input.min = 0; input.max = values.length - 1; input.step = 1;
    input.value = Math.max(0, values.indexOf(start));
    const sync = () => { out.textContent = show(values[+input.value]); };
    sync(); input.addEventListener('input', sync);
    wrap.append(el('span', 'play-slider-name', label), input, out);
    return {wrap, input, value: () => values[+input.value]};
  }

  const button = (text, cls) => { const b = el('button', cls ? 'play-button ' + cls : 'play-button', text); b.type = 'button'; return b; };

  // ---- widget 1: the roller coaster ---------------------------------------------------------------------------
  function buildCoaster(root, D) {
    const {time, speed} = D;
    root.textContent = '';
    const plots = el('div', 'play-plots');
    const fitC = el('canvas', 'play-canvas play-fit'), lossC = el('canvas', 'play-canvas play-loss');
    fitC.setAttribute('role', 'img'); lossC.setAttribute('role', 'img');
    fitC.setAttribute('aria-label', 'the measured speeds and the quadratic that gradient descent fits to them');
    lossC.setAttribute('aria-label', 'the loss after each step, on a log scale');
    plots.append(fitC, lossC);
    const lr = slider('learning rate', D.lrs, D.lr, fmtLr);
    const rootBox = el('label', 'play-check'), rootIn = el('input');
    rootIn.type = 'checkbox';
    rootBox.append(rootIn, el('span', null, ' take the square root (RMSE, the book\'s slip)'));
    const bStep = button('Step', 'play-step'), b10 = button('Run 10 steps', 'play-run10'), bReset = button('Reset', 'play-reset');
    const buttons = el('div', 'play-buttons'); buttons.append(bStep, b10, bReset);
    const controls = el('div', 'play-controls'); controls.append(lr.wrap, rootBox, buttons);
    const readout = el('div', 'play-readout');
    root.append(plots, controls, readout);

    const S = {params: [], loss: [], grad: [], lrs: [], root: false};
    function lossOf() { return coasterLoss(time, speed, S.root); }
    function reset() {
      S.root = rootIn.checked; S.params = [Array.from(D.params)]; S.lrs = []; S.grad = [];
      S.loss = [lossOf()(S.params[0]).loss];
      draw();
    }
    function step(n) {
      const rate = lr.value();
      for (let k = 0; k < n; k++) {
        const p = S.params[S.params.length - 1];
        if (!S.params.length || !p.every(Number.isFinite)) break;
        const r = trace(p, rate, 1, lossOf());
        S.params.push(r.params[1]); S.grad.push(r.grad[0]); S.lrs.push(rate);
        S.loss.push(lossOf()(r.params[1]).loss);
      }
      draw();
    }
    function drawFit() {
      const f = frame(fitC, [-0.5, time.length - 0.5], [-300, 120]);
      axes(f, [0, 5, 10, 15], [-300, -200, -100, 0, 100], 'time (s)', 'speed');
      const {ctx, X, Y} = f, p = S.params[S.params.length - 1];
      ctx.save(); ctx.beginPath(); ctx.rect(f.l, f.t, f.w - f.l - f.r, f.h - f.t - f.b); ctx.clip();
      time.forEach((t, i) => dot(ctx, X(t), Y(speed[i]), 3.5, css(fitC, '--play-data', '#1f77b4')));
      if (p.every(Number.isFinite)) {
        ctx.strokeStyle = css(fitC, '--play-fitc', '#d62728'); ctx.lineWidth = 2; ctx.beginPath();
        for (let i = 0; i <= 100; i++) {
          const t = -0.5 + i / 100 * time.length, y = Math.max(-1e6, Math.min(1e6, quadratic(t, p)));
          i ? ctx.lineTo(X(t), Y(y)) : ctx.moveTo(X(t), Y(y));
        }
        ctx.stroke();
      }
      ctx.restore();
    }
    function drawLoss() {
      const ls = S.loss.filter(v => Number.isFinite(v) && v > 0).map(Math.log10);
      let lo = Math.floor(Math.min(...ls, 2)), hi = Math.ceil(Math.max(...ls, 3));
      if (hi - lo > 12) lo = hi - 12;
      const n = Math.max(10, S.loss.length - 1);
      const f = frame(lossC, [0, n], [lo, hi]);
      const yt = []; for (let v = lo; v <= hi; v += Math.max(1, Math.ceil((hi - lo) / 5))) yt.push(v);
      axes(f, [0, Math.round(n / 2), n], yt, 'step', S.root ? 'loss (RMSE)' : 'loss (MSE)', v => '1e' + v);
      const {ctx, X, Y} = f, color = css(lossC, '--play-lossc', '#2ca02c');
      ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.beginPath();
      S.loss.forEach((v, k) => {
        const y = Number.isFinite(v) && v > 0 ? Math.max(lo, Math.min(hi, Math.log10(v))) : hi;
        k ? ctx.lineTo(X(k), Y(y)) : ctx.moveTo(X(k), Y(y));
      });
      ctx.stroke();
      S.loss.forEach((v, k) => dot(ctx, X(k), Y(Number.isFinite(v) && v > 0 ? Math.max(lo, Math.min(hi, Math.log10(v))) : hi), 2.5, color));
    }
    function draw() {
      drawFit(); drawLoss();
      const k = S.params.length - 1, p = S.params[k], loss = S.loss[k];
      const gone = !p.every(Number.isFinite) || !Number.isFinite(loss) || loss > 1e12;
      readout.textContent = `step ${k} · loss ${fmt(loss)} · a ${fmt(p[0])}, b ${fmt(p[1])}, c ${fmt(p[2])}` +
        (gone ? ' · diverged: press Reset, and try a smaller learning rate' : '');
      readout.classList.toggle('play-diverged', gone);
    }
    bStep.addEventListener('click', () => step(1));
    b10.addEventListener('click', () => step(10));
    bReset.addEventListener('click', reset);
    rootIn.addEventListener('change', reset);
    reset();
    return {reset, step, draw, state: () => ({lr: lr.value(), root: S.root, step: S.params.length - 1,
      params: S.params[S.params.length - 1], losses: S.loss.slice(), lrs: S.lrs.slice()})};
  }

  // ---- widget 2: the learning rate on x**2 ----------------------------------------------------------------------
  function buildX2(root, D) {
    root.textContent = '';
    const canvas = el('canvas', 'play-canvas play-x2c');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'the curve x squared with the path of gradient descent on it; drag to move the start');
    const lr = slider('learning rate', D.lrs, D.lr, String);
    const stepsList = Array.from({length: 20}, (_, i) => i + 1);
    const steps = slider('steps', stepsList, D.steps, String);
    const presets = el('div', 'play-buttons');
    for (const [text, v] of [['too small', 0.05], ['about right', 0.3], ['bouncing', 0.9], ['diverges', 1.1]]) {
      const b = button(text, 'play-preset');
      b.dataset.lr = v;
      b.addEventListener('click', () => { lr.input.value = D.lrs.indexOf(v); lr.input.dispatchEvent(new Event('input')); });
      presets.append(b);
    }
    const controls = el('div', 'play-controls'); controls.append(lr.wrap, steps.wrap, presets);
    const readout = el('div', 'play-readout');
    root.append(canvas, controls, readout);
    const S = {x0: D.x0};
    const path = () => trace([S.x0], lr.value(), steps.value(), x2Loss).params.map(p => p[0]);

    function draw() {
      const xs = path(), reg = x2Regime(lr.value());
      const finite = xs.filter(Number.isFinite);
      const lim = Math.max(2, 1.1 * Math.max(...finite.map(Math.abs)));
      const f = frame(canvas, [-lim, lim], [-0.05 * lim * lim, 1.05 * lim * lim]);
      const tick = lim > 20 ? Math.pow(10, Math.floor(Math.log10(lim))) : (lim > 4 ? 2 : 1);
      const xt = []; for (let v = -Math.floor(lim / tick) * tick; v <= lim; v += tick) xt.push(+v.toPrecision(6));
      axes(f, xt, [0, +(lim * lim).toPrecision(2)], 'x', 'f(x) = x²');
      const {ctx, X, Y} = f;
      ctx.strokeStyle = css(canvas, '--play-data', '#1f77b4'); ctx.lineWidth = 2; ctx.beginPath();
      for (let i = 0; i <= 200; i++) { const x = -lim + 2 * lim * i / 200; i ? ctx.lineTo(X(x), Y(x * x)) : ctx.moveTo(X(x), Y(x * x)); }
      ctx.stroke();
      ctx.strokeStyle = css(canvas, '--play-fitc', '#d62728'); ctx.lineWidth = 1.5; ctx.globalAlpha = 0.6; ctx.beginPath();
      finite.forEach((x, k) => { k ? ctx.lineTo(X(x), Y(x * x)) : ctx.moveTo(X(x), Y(x * x)); });
      ctx.stroke(); ctx.globalAlpha = 1;
      finite.forEach((x, k) => dot(ctx, X(x), Y(x * x), k ? 4 : 6, k ? css(canvas, '--play-fitc', '#d62728') : css(canvas, '--play-fg', '#222')));
      ctx.fillStyle = css(canvas, '--play-fg', '#222'); ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
      ctx.fillText('start', X(xs[0]) + 8, Y(xs[0] * xs[0]) - 4);
      readout.textContent = `lr ${lr.value()}: ${reg.text}. x goes from ${fmt(xs[0])} to ${fmt(xs[xs.length - 1])} ` +
        `in ${xs.length - 1} step${xs.length > 2 ? 's' : ''} (each step multiplies x by 1 − 2·lr = ${fmt(1 - 2 * lr.value())}).`;
      readout.dataset.regime = reg.name;
      S.xs = xs; S.view = f;
    }
    // drag (mouse, pen or finger) on the plot to move the starting point
    let dragging = false;
    const moveTo = e => {
      const r = canvas.getBoundingClientRect(), x = S.view.invX(e.clientX - r.left);
      S.x0 = +Math.max(-2, Math.min(2, x)).toFixed(3);
      draw();
    };
    canvas.addEventListener('pointerdown', e => { dragging = true; canvas.setPointerCapture && canvas.setPointerCapture(e.pointerId); moveTo(e); e.preventDefault(); });
    canvas.addEventListener('pointermove', e => { if (dragging) { moveTo(e); e.preventDefault(); } });
    for (const ev of ['pointerup', 'pointercancel']) canvas.addEventListener(ev, () => { dragging = false; });
    lr.input.addEventListener('input', draw); steps.input.addEventListener('input', draw);
    draw();
    return {draw, state: () => ({x0: S.x0, lr: lr.value(), steps: steps.value(), xs: S.xs.slice(), regime: x2Regime(lr.value()).name})};
  }

  // ---- start ---------------------------------------------------------------------------------------------------------
  const api = window.mnistPlay = {ready: false, quadratic, coasterLoss, x2Loss, trace, x2Regime, data: null, coaster: null, x2: null};
  function start(data) {
    api.data = data;
    const c = document.getElementById('play-coaster'), x = document.getElementById('play-x2');
    if (c) api.coaster = buildCoaster(c, data.coaster);
    if (x) api.x2 = buildX2(x, data.x2);
    let pending = false;
    window.addEventListener('resize', () => {
      if (pending) return; pending = true;
      requestAnimationFrame(() => { pending = false; api.coaster && api.coaster.draw(); api.x2 && api.x2.draw(); });
    });
    api.ready = true;
  }
  function fail(err) {
    for (const id of ['play-coaster', 'play-x2']) {
      const root = document.getElementById(id);
      if (root) root.textContent = `The data of this widget could not be loaded (${err}). Serve the site over http, or keep play/data.js next to this page.`;
    }
    console.error('mnist_nb play:', err);
  }
  function load() {
    if (window.MNIST_NB_PLAY_DATA) return start(window.MNIST_NB_PLAY_DATA);
    fetch(new URL('data.json', SCRIPT_SRC)).then(r => r.ok ? r.json() : Promise.reject(r.status)).then(start).catch(fail);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', load); else load();
})();
