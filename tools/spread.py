"""How much the chapter's trained figures move with the seed and the thread count: the measurement behind
every accuracy floor in the notebooks.

    .venv/bin/python tools/spread.py                 # 5 seeds x {1, 2} threads, every recipe (about 15 min on 2 cores)
    .venv/bin/python tools/spread.py --quick         # 2 seeds, no resnet18

Each recipe is the one its notebook runs (same data, loaders, learning rate and epochs), with the seed changed.
Each thread count runs in a fresh interpreter with OMP_NUM_THREADS set, since another CPU or thread count rounds
differently. The table (min / mean / max per recipe) goes to stdout and to nbs/_data/spread.json.
"""
import json, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECIPES = ['linear (03)', 'BasicOptim (04)', 'Learner fit(10) (05)', 'simple net (06)', 'resnet18 (07)']


def run_recipes(seeds, with_resnet):
    "Run every recipe for each seed in this process; returns {recipe: [accuracy per seed]}"
    import warnings; warnings.filterwarnings('ignore', category=FutureWarning)
    import torch
    from torch import nn
    import torch.nn.functional as F
    from fastai.vision.all import (DataLoader, DataLoaders, Learner, SGD, set_seed, ImageDataLoaders, vision_learner,
                                   resnet18, accuracy)
    from mnist_nb.data import sample_xy, get_mnist_sample
    from mnist_nb.linear import mnist_loss, batch_accuracy
    from mnist_nb.data import tensor_dls
    trn_x, trn_y, val_x, val_y = sample_xy()
    dset, valid_dset = list(zip(trn_x, trn_y)), list(zip(val_x, val_y))

    def acc_of(model):
        with torch.no_grad(): return batch_accuracy(model(val_x), val_y).item()

    def sgd_loop(model, epochs, lr, seed):  # 03 and 04: shuffled batches of 256, p -= lr*grad
        dl = DataLoader(dset, bs=256, shuffle=True)
        for _ in range(epochs):
            for xb, yb in dl:
                loss = mnist_loss(model(xb), yb); loss.backward()
                with torch.no_grad():
                    for p in model.parameters(): p -= lr*p.grad; p.grad = None
        return acc_of(model)

    class Scratch(nn.Module):  # 03's init_params (std 1.0) and linear1
        def __init__(self):
            super().__init__()
            self.w, self.b = nn.Parameter(torch.randn(28*28, 1)), nn.Parameter(torch.randn(1))
        def forward(self, x): return x@self.w + self.b

    out = {r: [] for r in RECIPES if with_resnet or 'resnet' not in r}
    for seed in seeds:
        torch.manual_seed(seed); out['linear (03)'].append(sgd_loop(Scratch(), 20, 1.0, seed))
        torch.manual_seed(seed); out['BasicOptim (04)'].append(sgd_loop(nn.Linear(28*28, 1), 20, 1.0, seed))
        torch.manual_seed(seed)
        dls = DataLoaders(DataLoader(dset, batch_size=256), DataLoader(valid_dset, batch_size=256))
        learn = Learner(dls, nn.Linear(28*28, 1), opt_func=SGD, loss_func=mnist_loss, metrics=batch_accuracy)
        with learn.no_bar(), learn.no_logging(): learn.fit(10, lr=1.0)
        out['Learner fit(10) (05)'].append(float(learn.recorder.values[-1][2]))
        set_seed(seed)
        net = nn.Sequential(nn.Linear(28*28, 30), nn.ReLU(), nn.Linear(30, 1))
        learn = Learner(tensor_dls(trn_x, trn_y, val_x, val_y), net, opt_func=SGD, loss_func=mnist_loss, metrics=batch_accuracy)
        with learn.no_bar(), learn.no_logging(): learn.fit(40, 0.1)
        out['simple net (06)'].append(float(learn.recorder.values[-1][2]))
        if with_resnet:
            set_seed(seed, reproducible=True)
            dls = ImageDataLoaders.from_folder(get_mnist_sample(quiet=True), bs=64)
            learn = vision_learner(dls, resnet18, pretrained=False, loss_func=F.cross_entropy, metrics=accuracy)
            with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(1, 0.1)
            out['resnet18 (07)'].append(float(learn.recorder.values[-1][2]))
        print(f"seed {seed}: " + ', '.join(f"{k} {v[-1]:.4f}" for k, v in out.items()), file=sys.stderr, flush=True)
    return out


def main(quick=False):
    seeds = [0, 1] if quick else [0, 1, 2, 3, 42]
    res = {}
    for threads in (1, 2):
        t0 = time.time()
        env = {**os.environ, 'OMP_NUM_THREADS': str(threads), 'MNIST_NB_OFFLINE': os.environ.get('MNIST_NB_OFFLINE', '1')}
        code = (f"import json, sys; sys.path.insert(0, {str(ROOT/'tools')!r}); import spread; "
                f"print(json.dumps(spread.run_recipes({seeds!r}, {not quick})))")
        r = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, cwd=ROOT)
        if r.returncode: sys.exit(f"the run with {threads} thread(s) failed:\n{r.stderr[-3000:]}")
        res[threads] = json.loads(r.stdout.strip().splitlines()[-1])
        print(f"{threads} thread(s): {time.time()-t0:.0f} s", flush=True)
    rows = []
    for rec in res[1]:
        vals = res[1][rec] + res[2][rec]
        rows.append({'recipe': rec, 'seeds': seeds, 'threads_1': res[1][rec], 'threads_2': res[2][rec],
                     'min': min(vals), 'mean': sum(vals)/len(vals), 'max': max(vals)})
        print(f"{rec:22} min {min(vals):.4f}  mean {sum(vals)/len(vals):.4f}  max {max(vals):.4f}   "
              f"1 thread {['%.4f' % v for v in res[1][rec]]}  2 threads {['%.4f' % v for v in res[2][rec]]}")
    if not quick: (ROOT/'nbs'/'_data'/'spread.json').write_text(json.dumps(rows, indent=1) + '\n')


if __name__ == '__main__': main(quick='--quick' in sys.argv)
