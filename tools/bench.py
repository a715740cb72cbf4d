"""Benchmark of what no notebook measures: our learner vs fastai's, our epoch vs its arithmetic and vs the bare loop.
(Notebook 00 times `load_images` against the book's one-liner; notebook 05 the tensor loader against fastai's.)

    .venv/bin/python tools/bench.py                  # every measure (about a minute on 2 cores), into nbs/_data
    .venv/bin/python tools/bench.py --quick          # fewer rounds, for trying things out (nothing written)
    .venv/bin/python tools/bench.py --only learner   # learner, or floor (with callbacks), alone (nothing written)

Data: Fashion-MNIST dress (3) vs pullover (2), `fashion_xy()`: 12000 training and 2000 validation rows. The sides
of a measure run in turns with `Timer.runs`, one after the other in each round, the first one changing each
round, so that all see the same load; each round gives a ratio, and a target is judged on the median of those
ratios, whose range is reported too. The results go to nbs/_data/benchmark.json and, as markdown,
nbs/_data/benchmark.md (the benchmark page shows it). Everything runs on the CPU (`--device cuda` for a GPU), with
torch's default thread count. This is a measurement, not a test: it exits 0 whether or not a target is met, and
says which were missed.
"""
import argparse, datetime, json, os, platform, statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT/'nbs'/'_data'
os.environ.setdefault('MNIST_NB_OFFLINE', '1')  # the offline sources, as the tests use: the same data on every machine
# as the notebooks do: OpenMP threads that spin while waiting make small CPU matrix products many times slower
# when other programs keep the cores busy (it must be set before torch is imported; it applies to both sides)
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import warnings  # fastai 2.8 wraps a few activations in `torch.jit.script` on import, which torch 2.14 deprecates
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
import torch
from torch import nn
from fastai.torch_core import set_seed
from fastai.data.load import DataLoader
from fastai.data.core import DataLoaders
from fastai.learner import Learner
from fastai.optimizer import SGD
import fastai.callback.progress  # noqa: F401 (the progress bar a book reader's Learner has; `no_bar` switches it off)
from mnist_nb.utils import Timer
from mnist_nb.data import fashion_xy, tensor_dls, TensorDataLoader
from mnist_nb.sources import get_fashion_mnist
from mnist_nb.learner import BasicLearner, BasicCallback
from mnist_nb.optim import BasicOptim, train_epoch
from mnist_nb.linear import mnist_loss, batch_accuracy


def measure(key, title, ours, base, ta, tb, target, kind='fraction', notes='', unit='rounds'):
    "A result: medians of each side's times and of the round-by-round ratios (`fraction`: ours/base, else base/ours)"
    rs = sorted((a/b if kind == 'fraction' else b/a) for a, b in zip(ta, tb))
    r = statistics.median(rs)
    return dict(key=key, title=title, ours=ours, baseline=base, kind=kind, target=target, notes=notes,
                rounds=f"{len(rs)} {unit}",
                ours_s=statistics.median(ta), baseline_s=statistics.median(tb), ratio=r, ratio_range=[rs[0], rs[-1]],
                met=r <= target if kind == 'fraction' else r >= target)


# ---- 1. BasicLearner.fit(10) vs fastai's Learner.fit(10) ------------------------------------------------------
LEARNER_TARGET = 0.2  # our fit at most a fifth of fastai's time (issue 15: 0.15-0.17x before the callbacks)

def bench_learner(data, rounds, device, epochs=10, lr=1.0):
    train_x, train_y, valid_x, valid_y = data
    torch.manual_seed(42); init = nn.Linear(28*28, 1).state_dict()
    def model():
        m = nn.Linear(28*28, 1); m.load_state_dict(init); return m
    acc = {}
    def ours():
        set_seed(42)
        learn = BasicLearner(tensor_dls(train_x, train_y, valid_x, valid_y, bs=256, device=device), model(),
                             opt_func=BasicOptim, loss_func=mnist_loss, metrics=batch_accuracy, quiet=True)
        learn.fit(epochs, lr)
        acc['ours'] = learn.recorder.values[-1][-1]
    def fastai():
        set_seed(42)
        dls = DataLoaders(DataLoader(list(zip(train_x, train_y)), bs=256, shuffle=True),
                          DataLoader(list(zip(valid_x, valid_y)), bs=256), device=device)
        learn = Learner(dls, model(), opt_func=SGD, loss_func=mnist_loss, metrics=batch_accuracy)
        with learn.no_bar(), learn.no_logging(): learn.fit(epochs, lr)
        acc['fastai'] = learn.recorder.values[-1][-1]
    ts = Timer.runs({'ours': ours, 'fastai': fastai}, rounds, warmup=1)
    diff = abs(acc['ours'] - acc['fastai'])
    r = measure('learner', f'`BasicLearner.fit({epochs})` vs fastai `Learner.fit({epochs})`',
                '`BasicLearner(tensor_dls(...), nn.Linear(784, 1), BasicOptim, quiet=True).fit(10, 1.0)`',
                "`Learner(DataLoaders(DataLoader(list(zip(x, y)), bs=256, shuffle=True), ...), nn.Linear(784, 1), SGD)"
                ".fit(10, 1.0)` without bar or log", ts['ours'], ts['fastai'], LEARNER_TARGET,
                notes=f"same model and seed; final accuracy {acc['ours']:.4f} vs {acc['fastai']:.4f} "
                      f"(each learner shuffles its own way): within 0.005 {'yes' if diff <= 0.005 else 'NO'}")
    r.update(accuracy=dict(ours=acc['ours'], fastai=acc['fastai'], diff=diff), met=bool(r['met'] and diff <= 0.005))
    return r


# ---- 2. our training epoch vs its arithmetic alone ---------------------------------------------------------------
FLOOR_TARGET = 1.3  # the loader's shuffled gather, the callbacks and the recorder: at most 30% over the arithmetic
CALLBACKS_TARGET = 1.1  # the learner's events and callbacks: a few per cent; 10% leaves room for the epochs' noise

class TrainTimerCB(BasicCallback):
    "The seconds of each training pass, with the one `Timer`"
    def __init__(self, sync): self.sync, self.times = sync, []
    def before_train(self, learn): self.timer = Timer().start()
    def after_train(self, learn): self.sync(); self.times.append(self.timer.stop())

def bench_floor(data, rounds, device, lr=1.0, epochs=5):
    train_x, train_y, valid_x, valid_y = data
    sync = torch.cuda.synchronize if device.type == 'cuda' else lambda: None
    torch.manual_seed(42); init = nn.Linear(28*28, 1).state_dict()
    def model():
        m = nn.Linear(28*28, 1).to(device); m.load_state_dict(init); return m
    timer = TrainTimerCB(sync)
    def ours():
        torch.manual_seed(42)
        learn = BasicLearner(tensor_dls(train_x, train_y, valid_x, valid_y, bs=256, device=device), model(),
                             loss_func=mnist_loss, metrics=batch_accuracy, cbs=timer, quiet=True)
        learn.fit(epochs, lr)
    # the floor: the very batches of a shuffled epoch, cut beforehand, through forward, loss, backward, step, zero_grad
    torch.manual_seed(42)
    dl = TensorDataLoader(train_x, train_y, 256, shuffle=True, device=device)
    batches = [(xb.contiguous(), yb.contiguous()) for xb, yb in dl]
    floor_times, loop_times = [], []
    def steps(batches, times):
        "`epochs` passes of the chapter's own loop, `train_epoch`, over `batches`, each pass timed"
        m = model(); opt = BasicOptim(list(m.parameters()), lr)
        for _ in range(epochs):
            with Timer() as t: train_epoch(m, batches, opt, mnist_loss); sync()
            times.append(t.seconds)
    def loop():  # the same arithmetic on the same shuffled loader, without the learner: what the callbacks add
        torch.manual_seed(42); steps(TensorDataLoader(train_x, train_y, 256, shuffle=True, device=device), loop_times)
    Timer.runs({'ours': ours, 'floor': lambda: steps(batches, floor_times), 'loop': loop}, rounds, warmup=1)
    ta, tb, tc = timer.times[epochs:], floor_times[epochs:], loop_times[epochs:]  # past the warm-up round
    ours_s = "`BasicLearner`'s training pass over an epoch (shuffled tensor loader, standard callbacks)"
    return [measure('floor', 'our training epoch vs its arithmetic alone', ours_s,
                    'the forward pass, `mnist_loss`, the backward pass and `BasicOptim`\'s step over the same batches, '
                    'cut beforehand', ta, tb, FLOOR_TARGET, unit='epochs paired one by one',
                    notes=f"{len(batches)} batches of 256, linear model"),
            measure('callbacks', 'our training epoch vs the bare loop on the same loader', ours_s,
                    'the same arithmetic in a plain `for xb, yb in dl` loop over the same shuffled loader', ta, tc,
                    CALLBACKS_TARGET, unit='epochs paired one by one',
                    notes='what the learner, its events and its callbacks add to each epoch')]


# ---- report -----------------------------------------------------------------------------------------------
def now(): return datetime.datetime.now().astimezone().isoformat(timespec='seconds')
def fmt_t(s): return f'{s*1e3:.1f} ms' if s < 1 else f'{s:.2f} s'
def fmt_ratio(r): return f"{r['ratio']:.2f}× ({r['ratio_range'][0]:.2f}–{r['ratio_range'][1]:.2f})"
def fmt_target(r): return ('≤ ' if r['kind'] == 'fraction' else '≥ ') + f"{r['target']}×"
def cell(s): return str(s).replace('|', '\\|')

def markdown(res):
    "Four short columns, so that the table fits a phone; what each side runs goes below it"
    lines = ['| measure | ours vs baseline | ratio (range) | target |', '|---|---|---|---|']
    for r in res['rows']:
        lines.append(f"| {cell(r['title'])} | {fmt_t(r['ours_s'])} vs {fmt_t(r['baseline_s'])} | {fmt_ratio(r)} | "
                     f"{fmt_target(r)}: {'met' if r['met'] else '**missed**'} |")
    lines += ['', 'What each side runs:', '']
    for r in res['rows']:
        lines.append(f"- **{cell(r['title'])}**: {r['ours']} against {r['baseline']}; {r['notes']}; {r['rounds']}.")
    m = res['machine']
    lines += ['', f"Times are medians; a ratio is the median of the rounds' ratios (our time over the baseline's), "
              f"with their range. Measured {res['measured']} on {m['cpus']} CPUs ({m['processor'] or m['machine']}), "
              f"torch {m['torch']} with {m['torch_threads']} threads, device {m['device']}; 1-minute load average "
              f"{m['load_average'][0]} at the start and {m['load_average'][1]} at the end. Data: {res['data']}."]
    return '\n'.join(lines) + '\n'


def print_table(res):
    w = max(len(r['key']) for r in res['rows'])
    print(f"\n{'measure':{w}}  {'ours':>9}  {'baseline':>9}  {'ratio (range)':>20}  target")
    for r in res['rows']:
        print(f"{r['key']:{w}}  {fmt_t(r['ours_s']):>9}  {fmt_t(r['baseline_s']):>9}  {fmt_ratio(r):>20}  "
              f"{fmt_target(r)}: {'met' if r['met'] else 'MISSED'}  ({r['notes']})")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--quick', action='store_true', help='fewer rounds, nothing written to nbs/_data')
    p.add_argument('--device', default='cpu', help='cpu (default) or cuda')
    p.add_argument('--only', default='', help='learner or floor (nothing written); floor includes callbacks')
    a = p.parse_args()
    device, everything = torch.device(a.device), {'learner', 'floor'}
    only = set(a.only.split(',')) - {''} or everything
    if only - everything: p.error(f"--only takes some of {', '.join(sorted(everything))}, got {a.only}")
    rounds = dict(learner=3, floor=3) if a.quick else dict(learner=7, floor=8)
    total, load0 = Timer().start(), os.getloadavg()[0]
    data, src = fashion_xy(quiet=True), get_fashion_mnist(quiet=True).source.split(' (')[0]  # no machine path
    print(f"[bench] Fashion-MNIST dress vs pullover: {len(data[0])} training and {len(data[2])} validation rows "
          f"({src}); device {device}, torch threads {torch.get_num_threads()}, {os.cpu_count()} CPUs, "
          f"load average {load0:.2f}", flush=True)
    steps = {'learner': lambda: bench_learner(data, rounds['learner'], device),
             'floor': lambda: bench_floor(data, rounds['floor'], device)}
    rows = []
    for name in [k for k in steps if k in only]:
        with Timer() as t: rs = steps[name]()
        for r in (rs if isinstance(rs, list) else [rs]):
            rows.append(r)
            print(f"[bench] {r['key']:9} {fmt_ratio(r):>20}  target {fmt_target(r)}: "
                  f"{'met' if r['met'] else 'MISSED'}  ({t.seconds:.0f} s)", flush=True)
    m = dict(cpus=os.cpu_count(), machine=platform.machine(), processor=platform.processor(),
             python=platform.python_version(), torch=torch.__version__, torch_threads=torch.get_num_threads(),
             omp_wait_policy=os.environ.get('OMP_WAIT_POLICY'), device=str(device),
             load_average=[round(load0, 2), round(os.getloadavg()[0], 2)])
    res = dict(measured=now(), machine=m, rows=rows,
               data=f"Fashion-MNIST dress vs pullover, {len(data[0])} train / {len(data[2])} valid, from {src}")
    print_table(res)
    if a.quick or only != everything: print(f"\n[bench] --quick / --only: nothing written ({total.stop():.0f} s)")
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT/'benchmark.json').write_text(json.dumps(res, indent=2) + '\n')
        (OUT/'benchmark.md').write_text(markdown(res))
        print(f"\n[bench] written: nbs/_data/benchmark.json and benchmark.md ({total.stop():.0f} s)")
    if missed := [r['key'] for r in rows if not r['met']]: print('[bench] targets missed: ' + ', '.join(missed))


if __name__ == '__main__': main()
