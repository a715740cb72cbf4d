"""Benchmark of mnist_nb's speed claims: each pair measured side by side, in one process, in the same run.

    .venv/bin/python tools/bench.py                 # the four pairs (about half a minute on 2 cores)
    .venv/bin/python tools/bench.py --nbdev-test    # also the wall time of `nbdev-test --flags slow`
    .venv/bin/python tools/bench.py --quick         # fewer repeats, for trying things out (not written to nbs/_data)

Data: Fashion-MNIST dress (3) vs pullover (2): `fashion_xy()` (12000 training, 2000 validation rows) and
`get_fashion_sample()` (the same images as 14000 PNG files). Every measurement is repeated, the two sides
of a pair alternating, and the minimum and median are reported; a target is judged on the median ratio.
The results go to nbs/_data/benchmark.json and, as a markdown table, nbs/_data/benchmark.md (the home page
shows it). Everything runs on the CPU (`--device cuda` to use a GPU), with torch's default thread count.
This is a measurement, not a test: it exits 0 whether or not a target is met, and says which were missed.
"""
import argparse, contextlib, io, copy, datetime, json, os, platform, statistics, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT/'nbs'/'_data'
os.environ.setdefault('MNIST_NB_OFFLINE', '1')  # the offline data sources, as the tests use: the same data on every machine
# as the notebooks do: OpenMP threads that spin while waiting make small CPU matrix products many times slower
# when other programs keep the cores busy (it must be set before torch is imported; it applies to both sides)
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import warnings  # fastai 2.8 wraps a few activations in `torch.jit.script` on import, which torch 2.14 deprecates
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
from mnist_nb.data import load_images, naive_load, fashion_xy, get_fashion_sample
from mnist_nb.utils import Timer
import torch
from torch import nn
from fastai.torch_core import set_seed
from fastai.data.load import DataLoader
from fastai.data.core import DataLoaders
from fastai.learner import Learner
from fastai.optimizer import SGD
import fastai.callback.progress  # the progress bar a book reader's Learner has (`no_bar` switches it off here)


def stats(ts): return dict(min=min(ts), median=statistics.median(ts), n=len(ts))


def side_by_side(fns, repeats, warmup=1):
    "Time `fns` in turns with `Timer.runs` (`repeats` rounds after `warmup` untimed ones); their timings and last results"
    res = [None]*len(fns)
    def keep(i):
        def f(): res[i] = fns[i]()
        return f
    ts = Timer.runs({i: keep(i) for i in range(len(fns))}, repeats, warmup)
    return [ts[i] for i in range(len(fns))], res


def row(short, pair, ours_label, base_label, ta, tb, kind, target, notes='', extra=None):
    "A result row. kind 'speedup': ratio = baseline/ours, met if >= target; 'fraction': ratio = ours/baseline, met if <= target"
    sa, sb = stats(ta), stats(tb)
    if kind == 'speedup': r_min, r_med = sb['min']/sa['min'], sb['median']/sa['median']
    else: r_min, r_med = sa['min']/sb['min'], sa['median']/sb['median']
    met = None if target is None else (r_med >= target if kind == 'speedup' else r_med <= target)
    return dict(short=short, pair=pair, ours=ours_label, baseline=base_label, ours_s=sa, baseline_s=sb, kind=kind,
                ratio_min=r_min, ratio_median=r_med, target=target, met=met, notes=notes, **(extra or {}))


# ---- 1. load_images vs the book's list comprehension ----------------------------------------------------
LOAD_TARGET = 1.2  # one process since the worker pool went, checking every file: at most 1.2x the book's one-liner's time

def bench_load_images(repeats):
    path = get_fashion_sample(quiet=True)
    files = sorted(f for split in ('train', 'valid') for c in ('dress', 'pullover') for f in (path/split/c).iterdir())
    assert len(files) == 14000, f"expected 14000 PNGs in {path}, found {len(files)}"
    load0 = os.getloadavg()[0]
    (ta, tb), (ra, rb) = side_by_side([lambda: load_images(files), lambda: naive_load(files)], repeats)
    assert torch.equal(ra, rb), "load_images and the naive stack disagree"
    r = row('load_images vs naive stack, 14000 PNGs', '`load_images` vs naive `torch.stack([tensor(Image.open(o)) for o in files])`, 14000 PNGs',
            'load_images(files)', 'torch.stack([tensor(Image.open(o)) for o in files]).float()/255',
            ta, tb, 'fraction', LOAD_TARGET,
            notes=f"same tensor {list(ra.shape)}; both in one process (load_images has no worker pool any more: no worker "
                  f"may outlive its parent), and load_images also checks each file's format and size; "
                  f"1-min load average {load0:.1f} at the start")
    return r


# ---- 2. the tensor loader vs fastai's DataLoader over a list of tuples, one epoch of the linear model ---
def linear_model(seed=42):
    torch.manual_seed(seed)
    return nn.Linear(28*28, 1)


def bench_loader(data, repeats, device):
    from mnist_nb.data import TensorDataLoader
    from mnist_nb.optim import BasicOptim, train_epoch
    from mnist_nb.linear import mnist_loss
    train_x, train_y, _, _ = data
    init = linear_model().state_dict()
    ours_dl = TensorDataLoader(train_x, train_y, bs=256, shuffle=True, device=device)
    x, y = train_x.to(device), train_y.to(device)
    fa_dl = DataLoader(list(zip(x, y)), bs=256, shuffle=True)
    def epoch(dl):
        def f():
            model = nn.Linear(28*28, 1).to(device); model.load_state_dict(init)
            train_epoch(model, dl, BasicOptim(model.parameters(), 1.0), mnist_loss)
            if device.type == 'cuda': torch.cuda.synchronize()
        return f
    (ta, tb), _ = side_by_side([epoch(ours_dl), epoch(fa_dl)], repeats)
    (la, lb), _ = side_by_side([lambda: sum(len(b[0]) for b in ours_dl), lambda: sum(len(b[0]) for b in fa_dl)], repeats)
    r = row('tensor loader vs fastai DataLoader, 1 epoch', 'tensor data loader vs fastai `DataLoader(list(zip(x, y)), bs=256)`, one epoch of the linear model',
            'TensorDataLoader(x, y, bs=256, shuffle=True) + optim.train_epoch',
            'DataLoader(list(zip(x, y)), bs=256, shuffle=True) + optim.train_epoch',
            ta, tb, 'speedup', 2.5, notes=f"both shuffled; {len(ours_dl)} batches of 256; the loaders alone: "
            f"{statistics.median(la)*1e3:.1f} ms vs {statistics.median(lb)*1e3:.1f} ms an epoch")
    r['loader_only_s'] = dict(ours=stats(la), baseline=stats(lb))
    return r


# ---- 3. BasicLearner.fit(10) vs fastai's Learner.fit(10) --------------------------------------------------
def bench_learner(data, repeats, device, epochs=10, lr=1.0):
    from mnist_nb.learner import BasicLearner
    from mnist_nb.data import tensor_dls
    from mnist_nb.optim import BasicOptim
    from mnist_nb.linear import mnist_loss, batch_accuracy
    train_x, train_y, valid_x, valid_y = data
    init = linear_model().state_dict()
    def model():
        m = nn.Linear(28*28, 1); m.load_state_dict(init); return m
    def ours():
        set_seed(42)
        learn = BasicLearner(tensor_dls(train_x, train_y, valid_x, valid_y, bs=256, device=device), model(),
                             opt_func=BasicOptim, loss_func=mnist_loss, metrics=batch_accuracy, quiet=True)
        learn.fit(epochs, lr)
        return learn.recorder.values[-1][-1]
    def fastai():
        set_seed(42)
        dls = DataLoaders(DataLoader(list(zip(train_x, train_y)), bs=256, shuffle=True),
                          DataLoader(list(zip(valid_x, valid_y)), bs=256), device=device)
        learn = Learner(dls, model(), opt_func=SGD, loss_func=mnist_loss, metrics=batch_accuracy)
        with learn.no_bar(), learn.no_logging(): learn.fit(epochs, lr)
        return learn.recorder.values[-1][-1]
    (ta, tb), (acc_a, acc_b) = side_by_side([ours, fastai], repeats)
    r = row(f'BasicLearner.fit({epochs}) vs Learner.fit({epochs})', f'`BasicLearner.fit({epochs})` vs fastai `Learner.fit({epochs})`, same model, data, seed',
            'BasicLearner(tensor_dls(...), nn.Linear(784, 1), BasicOptim).fit(10, 1.0)',
            "Learner(DataLoaders(DataLoader(list(zip(x, y)), bs=256, shuffle=True), ...), nn.Linear(784, 1), SGD).fit(10, 1.0)",
            ta, tb, 'fraction', 0.35)
    acc_ok = abs(acc_a - acc_b) <= 0.005
    r.update(accuracy=dict(ours=acc_a, fastai=acc_b, diff=abs(acc_a - acc_b), within=0.005, met=acc_ok),
             notes=f"final accuracy {acc_a:.4f} vs {acc_b:.4f}: difference {abs(acc_a - acc_b):.4f} (target ≤ 0.005)")
    r['met'] = bool(r['met'] and acc_ok)
    return r


# ---- 4. our training epoch vs the compute floor ---------------------------------------------------------
def bench_floor(data, repeats, device, lr=1.0, epochs_per_fit=5):
    from mnist_nb.learner import BasicLearner, BasicCallback
    from mnist_nb.data import tensor_dls, TensorDataLoader
    from mnist_nb.optim import BasicOptim
    from mnist_nb.linear import mnist_loss, batch_accuracy
    train_x, train_y, valid_x, valid_y = data
    init = linear_model().state_dict()
    def model():
        m = nn.Linear(28*28, 1).to(device); m.load_state_dict(init); return m

    class TrainTimer(BasicCallback):
        "Wall time of each epoch's training phase: from before_epoch to the end of its last training batch"
        def __init__(self): self.times = []
        def before_epoch(self, learn): self.timer = Timer().start()
        def after_batch(self, learn):
            if learn.training:  # the last training batch's exit is the one kept
                if device.type == 'cuda': torch.cuda.synchronize()
                self.timer.stop()
        def after_epoch(self, learn): self.times.append(self.timer.seconds)

    timer = TrainTimer()
    def ours():
        torch.manual_seed(42)
        learn = BasicLearner(tensor_dls(train_x, train_y, valid_x, valid_y, bs=256, device=device), model(),
                             loss_func=mnist_loss, metrics=batch_accuracy, cbs=[timer], quiet=True)
        learn.fit(epochs_per_fit, lr)
    # the floor: the very batches of an epoch, already cut, through forward, loss, backward, step and zero_grad
    torch.manual_seed(42)
    batches = [(xb.contiguous(), yb.contiguous()) for xb, yb in TensorDataLoader(train_x, train_y, 256, shuffle=True, device=device)]
    floor_times = []
    def floor():
        m = model()
        opt = BasicOptim(list(m.parameters()), lr)
        for _ in range(epochs_per_fit):
            with Timer() as t:
                for xb, yb in batches:
                    loss = mnist_loss(m(xb), yb)
                    loss.backward()
                    opt.step()
                    opt.zero_grad()
                if device.type == 'cuda': torch.cuda.synchronize()
            floor_times.append(t.seconds)
    side_by_side([ours, floor], repeats)
    n_warm = epochs_per_fit  # side_by_side's warm-up round
    ta, tb = timer.times[n_warm:], floor_times[n_warm:]
    return row('training epoch vs compute floor', 'our training epoch vs the compute floor (the same batches\' forward, backward and step with no loader)',
               "BasicLearner's training phase of one epoch (tensor loader, callbacks, recorder)",
               'forward + mnist_loss + backward + BasicOptim step/zero_grad over the pre-cut batches',
               ta, tb, 'fraction', 2.0, notes=f"{len(batches)} batches of 256, linear model; {len(ta)} epochs each")


# ---- the whole test suite ---------------------------------------------------------------------------------
def bench_nbdev_test():
    cmd = [str(Path(sys.executable).parent/'nbdev-test'), '--flags', 'slow']
    log = ROOT/'artifacts'/'nbdev-test.log'
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"[bench] timing {' '.join(cmd[-3:])} (MNIST_NB_OFFLINE=1), log in {log.relative_to(ROOT)} ...", flush=True)
    with Timer() as t:
        res = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env={**os.environ, 'MNIST_NB_OFFLINE': '1'})
    log.write_text(res.stdout)
    n = len(list((ROOT/'nbs').glob('*.ipynb')))
    return dict(seconds=t.seconds, ok=res.returncode == 0, notebooks=n, command='nbdev-test --flags slow',
                measured=datetime.datetime.now().astimezone().isoformat(timespec='seconds'))


# ---- report -----------------------------------------------------------------------------------------------
def fmt_t(s): return f'{s*1e3:.1f} ms' if s < 1 else f'{s:.2f} s'

def fmt_ratio(r):
    return f"{r['ratio_min']:.2f}× / {r['ratio_median']:.2f}×"

def fmt_target(r):
    if r['target'] is None: return ''
    return f"≥ {r['target']}× faster" if r['kind'] == 'speedup' else (
        f"≤ {r['target']}× the time" + (', accuracy within 0.005' if 'accuracy' in r else ''))

def fmt_met(r): return '' if r['met'] is None else ('yes' if r['met'] else '**NO**')

def cell(s): return str(s).replace('|', '\\|')

def markdown(res):
    lines = ['| pair | ours: min / median | baseline: min / median | ratio: min / median | target | met | notes |',
             '|---|---|---|---|---|---|---|']
    for r in res['rows']:
        lines.append(f"| {cell(r['pair'])} | {fmt_t(r['ours_s']['min'])} / {fmt_t(r['ours_s']['median'])} | "
                     f"{fmt_t(r['baseline_s']['min'])} / {fmt_t(r['baseline_s']['median'])} | {fmt_ratio(r)} | "
                     f"{fmt_target(r)} | {fmt_met(r)} | {cell(r['notes'])} |")
    nt = res.get('nbdev_test')
    if nt:
        lines.append(f"| whole test suite: `{nt['command']}`, {nt['notebooks']} notebooks | {fmt_t(nt['seconds'])} | | | | "
                     f"{'passed' if nt['ok'] else '**FAILED**'} | measured {nt['measured']}"
                     + ('' if nt.get('this_run') else ', in an earlier run (`--nbdev-test` measures it again)') + ' |')
    m = res['machine']
    lines += ['', f"Speed-ups are baseline time / our time; fractions are our time / baseline time. Each side was run "
              f"{res['repeats']} times or more, alternating with the other; targets are judged on the median. "
              f"Measured {res['measured']} on {m['cpus']} CPUs ({m['processor'] or m['machine']}, torch {m['torch']} with "
              f"{m['torch_threads']} threads, device {m['device']}; 1-minute load average {m['load_average_1min_at_end']} at the end), "
              f"data: {res['data']}."]
    return '\n'.join(lines) + '\n'


def print_table(res):
    w = max(len(r['short']) for r in res['rows'])
    print(f"\n{'pair':{w}}  {'ours min / median':>21}  {'baseline min / median':>21}  {'ratio min / median':>18}  {'target':<42} met")
    for r in res['rows']:
        ours = f"{fmt_t(r['ours_s']['min'])} / {fmt_t(r['ours_s']['median'])}"
        base = f"{fmt_t(r['baseline_s']['min'])} / {fmt_t(r['baseline_s']['median'])}"
        print(f"{r['short']:{w}}  {ours:>21}  {base:>21}  {fmt_ratio(r):>18}  {fmt_target(r):<42} {fmt_met(r).strip('*')}")
        if r['notes']: print(f"{'':{w}}    {r['notes']}")
    nt = res.get('nbdev_test')
    if nt: print(f"{'nbdev-test --flags slow':{w}}  {fmt_t(nt['seconds']):>21}  ({nt['notebooks']} notebooks, "
                 f"{'passed' if nt['ok'] else 'FAILED'}{', measured this run' if nt.get('this_run') else ', from an earlier run: ' + nt['measured']})")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--nbdev-test', action='store_true', help='also time `nbdev-test --flags slow` (the whole suite) as a subprocess')
    p.add_argument('--quick', action='store_true', help='fewer repeats, nothing written to nbs/_data')
    p.add_argument('--device', default='cpu', help='cpu (default) or cuda')
    p.add_argument('--only', default='', help='comma-separated subset of: load,loader,learner,floor')
    a = p.parse_args()
    device = torch.device(a.device)
    q = a.quick
    only = set(a.only.split(',')) - {''} or {'load', 'loader', 'learner', 'floor'}
    reps = dict(load=2 if q else 5, loader=5 if q else 30, learner=2 if q else 5, floor=2 if q else 8)
    total = Timer().start()
    with contextlib.redirect_stdout(io.StringIO()) as msg: data = fashion_xy()  # it prints where the data came from
    src = msg.getvalue().strip().removeprefix('Fashion-MNIST from ').split(':')[0] or 'source not reported'
    print(f"[bench] Fashion-MNIST dress vs pullover: {len(data[0])} training and {len(data[2])} validation rows "
          f"({src}); device {device}, torch threads {torch.get_num_threads()}, {os.cpu_count()} CPUs", flush=True)
    rows = []
    steps = [('load', lambda: bench_load_images(reps['load'])), ('loader', lambda: bench_loader(data, reps['loader'], device)),
             ('learner', lambda: bench_learner(data, reps['learner'], device)), ('floor', lambda: bench_floor(data, reps['floor'], device))]
    for name, f in steps:
        if name not in only: continue
        with Timer() as t: r = f()
        rows.append(r)
        print(f"[bench] {r['short']:42} {fmt_ratio(r):>16}  target {fmt_target(r)}: {fmt_met(r).strip('*') or '-'}  ({t.seconds:.0f} s)", flush=True)
    m = dict(cpus=os.cpu_count(), machine=platform.machine(), processor=platform.processor(), python=platform.python_version(),
             torch=torch.__version__, torch_threads=torch.get_num_threads(), omp_wait_policy=os.environ.get('OMP_WAIT_POLICY'),
             device=str(device),
             load_average_1min_at_end=round(os.getloadavg()[0], 2))
    res = dict(measured=datetime.datetime.now().astimezone().isoformat(timespec='seconds'), machine=m,
               data=f"Fashion-MNIST dress vs pullover, {len(data[0])} train / {len(data[2])} valid, from {src}",
               repeats=min(reps[k] for k in only), rows=rows)
    old = OUT/'benchmark.json'
    if a.nbdev_test: res['nbdev_test'] = dict(bench_nbdev_test(), this_run=True)
    elif old.exists():
        prev = json.loads(old.read_text()).get('nbdev_test')
        if prev: res['nbdev_test'] = dict(prev, this_run=False)
    print_table(res)
    missed = [r['pair'] for r in rows if r['met'] is False]
    if q or only != {'load', 'loader', 'learner', 'floor'}:
        total.stop()
        print(f"\n[bench] --quick / --only: nothing written ({total.seconds:.0f} s)")
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT/'benchmark.json').write_text(json.dumps(res, indent=2) + '\n')
        (OUT/'benchmark.md').write_text(markdown(res))
        print(f"\n[bench] written: {(OUT/'benchmark.json').relative_to(ROOT)}, {(OUT/'benchmark.md').relative_to(ROOT)} "
              f"({total.stop():.0f} s)")
    if missed: print('[bench] targets missed: ' + '; '.join(missed))


if __name__ == '__main__': main()
