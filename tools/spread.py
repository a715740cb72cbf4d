"""How far the chapter's trained figures move with the seed and the thread count: the measurement behind every
accuracy floor in the notebooks.

    .venv/bin/python tools/spread.py                   # every row: 5 seeds x OMP_NUM_THREADS 1 and 2
                                                       # (20-40 min on 2 cores)
    .venv/bin/python tools/spread.py --only resnet18   # some rows again (names as in spread.json); the others are kept
    .venv/bin/python tools/spread.py --quick           # seeds 0 and 1, no resnet18; prints the table, writes nothing

Each row trains one recipe of `mnist_nb.resnet.RECIPES` (07's table of the chapter's recipes) by calling its
function: the rows named after a recipe are 07's comparison, the others are a recipe as another notebook runs it
(its loaders, epochs, model). Each row runs in a fresh interpreter per thread count, with OMP_NUM_THREADS set,
and each run starts from fastai's `set_seed(seed)`, as the notebooks do. For every row, nbs/_data/spread.json
gets each run's figures, their min / mean / max, and the notebook floors that cite the row, checked against the
lowest figure.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, warnings
from collections import namedtuple
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)

import torch
from torch import nn
import torch.nn.functional as F
from fastcore.basics import AttrDict
from fastai.data.core import DataLoaders
from fastai.data.load import DataLoader
from fastai.metrics import accuracy
from fastai.optimizer import SGD
from fastai.torch_core import set_seed
from mnist_nb.data import get_mnist_sample, sample_xy, fashion_xy, get_mnist, mnist_xy
from mnist_nb.multiclass import cross_entropy, multi_accuracy
from mnist_nb.nonlinear import simple_net_model
from mnist_nb.resnet import (RECIPES, comparison_data, fit_linear_scratch, fit_basic_optim, fit_fastai_learner,
                             fit_basic_learner, fit_scratch_net)
from mnist_nb.utils import BOOK, Timer

OUT = ROOT/'nbs'/'_data'/'spread.json'
SEEDS, THREADS = [0, 1, 2, 3, 42], [1, 2]

Row = namedtuple('Row', 'data loaders fit call book floors')
Row.__doc__ = ("A row: the data set and loaders, the recipe `fit(d)`, the call in words, the book's figure, and the "
               "floors `(notebook, assertion, value, figure)` that cite it")

# 07's comparison: the functions of RECIPES with their defaults, on MNIST_SAMPLE and the tensor loaders
CMP = {'linear from scratch': [('07_resnet', "acc['linear from scratch'] > 0.955", 0.955)],
       'BasicOptim': [('07_resnet', "acc['BasicOptim'] > 0.97", 0.97)],
       'fastai Learner': [('05_learner', 'acc_t >= 0.965', 0.965), ('07_resnet', "acc['fastai Learner'] > 0.97", 0.97)],
       'BasicLearner': [('05_learner', 'learn_bs.recorder.values[-1][2] >= 0.965', 0.965),
                        ('05_learner', 'learn_s stops before 20 epochs at >= 0.95', 0.95),
                        ('07_resnet', "acc['BasicLearner'] > 0.97", 0.97)],
       'simple net from scratch': [('06_nonlinear', 'accs_scaled[-1] >= 0.965', 0.965),
                                   ('07_resnet', "acc['simple net from scratch'] > 0.97", 0.97)],
       'simple net': [('06_nonlinear', 'net_acc >= 0.97', 0.97), ('07_resnet', "acc['simple net'] > 0.97", 0.97)],
       'resnet18': [('07_resnet', 'resnet_acc > 0.98', 0.98)]}
ROWS = {name: Row('sample', 'tensor', r.fit, f'{r.fit.__name__}(d)', r.book,
                  [(*f, 'accuracy') for f in CMP.get(name, [])])
        for name, r in RECIPES.items()}

ten_linear = lambda: nn.Linear(28*28, 10)
ROWS.update({  # the recipes as the other notebooks run them
    'linear from scratch (03)': Row(
        'sample', 'fastai shuffled', lambda d: fit_linear_scratch(d, epochs=21), 'fit_linear_scratch(d, epochs=21)',
        BOOK.linear[2], [('03_linear', 'accs[1] > 0.75', 0.75, 'first'),
                         ('03_linear', 'accs[-1] >= 0.955', 0.955, 'accuracy')]),
    'linear from scratch, Fashion (03)': Row(
        'fashion', 'fastai shuffled', lambda d: fit_linear_scratch(d, epochs=21), 'fit_linear_scratch(d, epochs=21)',
        None, [('03_linear', 'faccs[-1] >= 0.945 (seeds that train)', 0.945, 'trained')]),
    'BasicOptim (04)': Row(
        'sample', 'fastai shuffled', fit_basic_optim, 'fit_basic_optim(d)', BOOK.basic_optim[1],
        [('04_optim', 'accs_basic[-1] >= 0.97', 0.97, 'accuracy')]),
    "BasicOptim, the book's loader (04)": Row(
        'sample', 'fastai', fit_basic_optim, 'fit_basic_optim(d)', BOOK.basic_optim[1],
        [('04_optim', 'accs_sorted[-1] >= 0.965', 0.965, 'accuracy')]),
    'Learner fit(10) (05)': Row(  # the book's Learner: fit(10, 1.0) on its unshuffled loaders
        'sample', 'fastai', fit_fastai_learner, 'fit_fastai_learner(d)', BOOK.learner,
        [('05_learner', 'fastai_acc >= 0.955', 0.955, 'accuracy')]),
    'ten digits, linear (05)': Row(
        'ten digits', 'tensor', lambda d: fit_basic_learner(d, SGD, epochs=5, lr=0.5, model=ten_linear(),
                                                     loss_func=F.cross_entropy, metric=accuracy),
        'fit_basic_learner(d, SGD, epochs=5, lr=0.5, model=nn.Linear(784, 10), loss_func=F.cross_entropy, '
        'metric=accuracy)',
        None,
        [('05_learner', 'learn10.recorder.values[-1][2] >= 0.90', 0.90, 'accuracy')]),
    'simple net from scratch, std=1 (06)': Row(
        'sample', 'tensor', lambda d: fit_scratch_net(d, std=1.0), 'fit_scratch_net(d, std=1.0)', None, []),
    'ten digits, linear (08)': Row(
        'ten digits', 'tensor', lambda d: fit_basic_learner(d, epochs=10, lr=0.5, model=ten_linear(),
                                                     loss_func=cross_entropy, metric=multi_accuracy),
        'fit_basic_learner(d, epochs=10, lr=0.5, model=nn.Linear(784, 10), loss_func=cross_entropy, '
        'metric=multi_accuracy)',
        None,
        [('08_all_digits', 'lin_acc >= 0.91', 0.91, 'accuracy')]),
    'ten digits, net (08)': Row(
        'ten digits', 'tensor',
        lambda d: fit_basic_learner(d, epochs=10, lr=0.5, model=simple_net_model(64, n_out=10), loss_func=cross_entropy,
                                    metric=multi_accuracy),
        'fit_basic_learner(d, epochs=10, lr=0.5, model=simple_net_model(64, n_out=10), loss_func=cross_entropy, '
        'metric=multi_accuracy)', None,
        [('08_all_digits', 'net_acc >= 0.94', 0.94, 'accuracy')]),
    'usage example (index)': Row(
        'sample', 'tensor', lambda d: fit_basic_learner(d, SGD, epochs=10, lr=0.1, model=simple_net_model()),
        'fit_basic_learner(d, SGD, epochs=10, lr=0.1, model=simple_net_model())', None,
        [('index', 'acc > 0.96', 0.96, 'accuracy')]),
})

# differences between two rows on the same seed and thread count: name -> (row a, row b, figure, floors)
DIFFS = {
    'simple net from scratch, best epoch: scaled - std=1 (06)': (
        'simple net from scratch', 'simple net from scratch, std=1 (06)', 'best',
        [('06_nonlinear', 'max(accs_scaled) >= max(accs_book) - 0.005', -0.005)]),
    'ten digits: net - linear (08)': (
        'ten digits, net (08)', 'ten digits, linear (08)', 'accuracy',
        [('08_all_digits', 'net_acc > lin_acc + 0.02', 0.02)]),
}

DATA = {'sample': 'MNIST_SAMPLE: 3 vs 7', 'fashion': 'Fashion-MNIST: dress vs pullover',
        'ten digits': 'MNIST: ten digits'}
LOADERS = {'tensor': 'tensor_dls: training shuffled, batches of 256',
           'fastai': "fastai DataLoaders over lists of (x, y) pairs, not shuffled, batches of 256 (the book's)",
           'fastai shuffled': 'fastai DataLoaders over lists of (x, y) pairs, training shuffled, batches of 256'}


def load(data:str) -> AttrDict:
    "The data set `data` (a key of `DATA`) for the recipes, from `comparison_data`"
    if data == 'sample':
        path = get_mnist_sample(quiet=True)
        return comparison_data(*sample_xy(path), path, DATA[data])
    xy = fashion_xy(quiet=True) if data == 'fashion' else mnist_xy(get_mnist(quiet=True))
    return comparison_data(*xy, dataset=DATA[data])


def with_loaders(d:AttrDict, loaders:str) -> AttrDict:
    "`d` with the loaders `loaders` names (a key of `LOADERS`); built after the seed, as the notebooks build them"
    if loaders == 'tensor': return d
    dl = DataLoader(list(zip(d.train_x, d.train_y)), bs=256, shuffle=loaders == 'fastai shuffled')
    return AttrDict({**d, 'dls': DataLoaders(dl, DataLoader(list(zip(d.valid_x, d.valid_y)), bs=256))})


def work(name:str, seeds:list, out:Path):
    "Run row `name` from each of `seeds` in this interpreter; write the runs to `out` as JSON"
    row, runs = ROWS[name], []
    d = load(row.data)
    for seed in seeds:
        set_seed(seed, reproducible=True)
        r = row.fit(with_loaders(d, row.loaders))
        runs.append(dict(seed=seed, threads=torch.get_num_threads(), accuracy=round(r.accuracy, 6),
                         first=round(r.history[0], 6), best=round(max(r.history), 6),
                         seconds=round(r.train_seconds, 3)))
        print(f"{name}, seed {seed}, {runs[-1]['threads']} thread(s): {r.accuracy:.4f}", file=sys.stderr, flush=True)
    out.write_text(json.dumps(runs))


def measure(name:str, seeds:list, threads:list) -> list:
    "The runs of row `name`: one fresh interpreter per thread count"
    runs = []
    for n in threads:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)/'runs.json'
            env = {**os.environ, 'OMP_NUM_THREADS': str(n)}
            p = subprocess.run([sys.executable, __file__, '--worker', name, '--seeds', *map(str, seeds),
                                '--out', str(out)],
                               env=env, cwd=ROOT, capture_output=True, text=True)
            if p.returncode: sys.exit(f"spread: {name!r} with {n} thread(s) failed:\n{p.stderr[-3000:]}")
            runs += json.loads(out.read_text())
    return runs


def _stalled(r) -> bool:
    "Did run `r` never leave a coin toss? (notebook 03: some seeds saturate the sigmoid and never train)"
    return 'accuracy' in r and r['accuracy'] <= 0.55


def _floors(floors, runs, default='accuracy') -> list:
    "Each floor with the lowest figure it is checked against (for 'trained', the accuracy of runs that train)"
    res = []
    for nb, text, value, *fig in floors:
        fig = fig[0] if fig else default
        low = min(r['accuracy'] if fig == 'trained' else r[fig] for r in runs if not (fig == 'trained' and _stalled(r)))
        res.append(dict(notebook=nb, assertion=text, floor=value, lowest=low, holds=low >= value))
    return res


def summary(name:str, runs:list) -> dict:
    "Row `name` of spread.json: what it runs, its figures' min / mean / max, its floors, and every run"
    row, accs = ROWS[name], [r['accuracy'] for r in runs]
    stalled = [[r['seed'], r['threads']] for r in runs if _stalled(r) and row.data != 'ten digits']
    return dict(key=name, data=DATA[row.data], loaders=LOADERS[row.loaders], call=row.call, book=row.book,
                min=min(accs), mean=round(statistics.mean(accs), 6), max=max(accs),
                first_min=min(r['first'] for r in runs), first_max=max(r['first'] for r in runs),
                seconds=round(statistics.median(r['seconds'] for r in runs), 3),
                stalled=stalled, floors=_floors(row.floors, runs), measured=str(date.today()),
                torch=torch.__version__, runs=runs)


def differences(rows:dict) -> list:
    "The rows of `DIFFS` whose two rows are both measured: the difference on each seed and thread count"
    res = []
    for name, (a, b, fig, floors) in DIFFS.items():
        if a not in rows or b not in rows: continue
        rb = {(r['seed'], r['threads']): r[fig] for r in rows[b]['runs']}
        runs = [dict(seed=r['seed'], threads=r['threads'], difference=round(r[fig] - rb[r['seed'], r['threads']], 6))
                for r in rows[a]['runs'] if (r['seed'], r['threads']) in rb]
        ds = [r['difference'] for r in runs]
        res.append(dict(key=name, call=f"{fig} of {a!r} - {fig} of {b!r}", book=None, min=min(ds),
                        mean=round(statistics.mean(ds), 6), max=max(ds), floors=_floors(floors, runs, 'difference'),
                        runs=runs))
    return res


def dump(rows:list) -> str:
    "spread.json's text: one row after another, each run on a line of its own"
    def one(r):
        head = json.dumps({k: v for k, v in r.items() if k != 'runs'}, indent=1)[:-2]
        return head + ',\n "runs": [\n' + ',\n'.join('  ' + json.dumps(run) for run in r['runs']) + '\n ]\n}'
    return '[\n' + ',\n'.join(one(r) for r in rows) + '\n]\n'


def report(r:dict) -> str:
    "One line of the table printed at the end"
    fl = ' '.join(f"[{f['notebook']}: {f['assertion']} {'holds' if f['holds'] else 'FAILS'}]" for f in r['floors'])
    return f"{r['key'][:58]:58} min {r['min']:.4f}  mean {r['mean']:.4f}  max {r['max']:.4f}  {fl}"


def main(names:list, seeds:list, threads:list, write:bool):
    old = json.loads(OUT.read_text()) if write and OUT.exists() else []
    # rows kept from the file: their runs as measured, what they run and the floors that cite them as ROWS says now;
    # rows of an older layout, or no longer in ROWS, go
    rows = {r['key']: {**summary(r['key'], r['runs']), 'measured': r['measured'], 'torch': r['torch']}
            for r in old if r.get('key') in ROWS and 'measured' in r}
    with Timer() as total:
        for name in names:
            with Timer() as t: rows[name] = summary(name, measure(name, seeds, threads))
            print(f"{report(rows[name])}  ({t.seconds:.0f} s)", flush=True)
            if write: OUT.write_text(dump([rows[k] for k in ROWS if k in rows] + differences(rows)))
    for r in differences(rows): print(report(r))
    print(f"spread: {len(names)} rows in {total.seconds/60:.1f} min"
          + (f"; written to {OUT.relative_to(ROOT)}" if write else ''))


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--only', nargs='+', metavar='ROW', help='measure these rows again; the others are kept')
    p.add_argument('--quick', action='store_true', help='seeds 0 and 1, no resnet18; write nothing')
    p.add_argument('--worker', help=argparse.SUPPRESS)
    p.add_argument('--seeds', nargs='+', type=int, default=SEEDS, help=argparse.SUPPRESS)
    p.add_argument('--out', type=Path, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.worker: work(a.worker, a.seeds, a.out)
    else:
        unknown = set(a.only or []) - set(ROWS)
        if unknown: sys.exit(f"spread: no row {sorted(unknown)}; the rows are {list(ROWS)}")
        names = a.only or [k for k in ROWS if not (a.quick and k == 'resnet18')]
        main(names, [0, 1] if a.quick else SEEDS, THREADS, write=not a.quick)
