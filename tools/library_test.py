"""The library without its notebooks: each module of `mnist_nb` is imported in a fresh interpreter, with no
notebook (and none of the notebooks' star imports) around it, and its main entry points run on a few hundred
images. Catches a module that works in its notebook only because the notebook imported something for it.

    python tools/library_test.py          # from the repository root; exits non-zero when a module fails
"""
import os, subprocess, sys, tempfile, textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from mnist_nb.utils import Timer  # this checkout's package, whatever else is installed

# The data step runs first: it slices a small sample, as image folders and as tensors, for the others.
DATA = '''
import shutil, torch
from mnist_nb.data import get_mnist_sample, sample_xy
src = get_mnist_sample(quiet=True)
for split, n in (('train', 100), ('valid', 25)):      # the first n images of each class
    for c in ('3', '7'):
        (tiny/split/c).mkdir(parents=True)
        for f in sorted((src/split/c).iterdir())[:n]: shutil.copy(f, tiny/split/c/f.name)
xy = sample_xy(tiny)
assert [tuple(t.shape) for t in xy] == [(200, 784), (200, 1), (50, 784), (50, 1)], [t.shape for t in xy]
assert xy[0].dtype == torch.float32 and 0 <= xy[0].min() and xy[0].max() <= 1
torch.save(xy, tiny/'xy.pt')
from mnist_nb.data import tensor_dls
xb, yb = tensor_dls(*xy, bs=64).train.one_batch()
assert xb.shape == (64, 784) and yb.shape == (64, 1)
'''

LOAD = "import torch\ntrain_x, train_y, valid_x, valid_y = torch.load(tiny/'xy.pt')\n"

TESTS = {
'data': DATA,
'baseline': LOAD + '''
from mnist_nb.baseline import ideal_digit, mnist_distance, is_3, baseline_accuracy_xy
m3, m7 = ideal_digit(train_x[:100].view(-1, 28, 28)), ideal_digit(train_x[100:].view(-1, 28, 28))
assert mnist_distance(valid_x.view(-1, 28, 28), m3).shape == (50,)
assert is_3(m3, m3, m7)
acc = baseline_accuracy_xy(train_x, train_y, valid_x, valid_y)
assert len(acc) == 3 and all(0 <= a <= 1 for a in acc), acc
''',
'sgd': '''
import torch
from mnist_nb.sgd import grad_at, gd_steps, roller_coaster, quadratic, mse, apply_step, plot_function
assert float(grad_at(lambda x: x**2, 3.)) == 6.
assert gd_steps(lambda x: x**2, 1., 0.1, 5).shape == (6,)
time, speed = roller_coaster(seed=1)
params = torch.randn(3).requires_grad_()
losses = [apply_step(params, time, speed) for _ in range(5)]
assert losses[-1] < losses[0], losses
plot_function(torch.sin)
''',
'linear': LOAD + '''
from mnist_nb.linear import init_params, linear1, mnist_loss, batch_accuracy
w, b = init_params((784, 1)), init_params(1)
preds = linear1(train_x, w, b)
loss = mnist_loss(preds, train_y)
loss.backward()
assert w.grad.shape == w.shape and 0 <= float(batch_accuracy(preds, train_y)) <= 1
''',
'optim': LOAD + '''
from torch import nn
from mnist_nb.linear import mnist_loss, batch_accuracy
from mnist_nb.optim import BasicOptim, train_model, validate_epoch
from mnist_nb.data import tensor_dls
dls = tensor_dls(train_x, train_y, valid_x, valid_y, bs=64)
model = nn.Linear(784, 1)
accs = train_model(model, dls.train, dls.valid, BasicOptim(model.parameters(), 1.0), 3,
                   loss_func=mnist_loss, metric=batch_accuracy, quiet=True)
assert len(accs) == 3 and accs[-1] == validate_epoch(model, dls.valid, batch_accuracy), accs
''',
'learner': LOAD + '''
from torch import nn
from mnist_nb.linear import mnist_loss, batch_accuracy
from mnist_nb.optim import BasicOptim
from mnist_nb.data import tensor_dls
from mnist_nb.learner import BasicLearner
dls = tensor_dls(train_x, train_y, valid_x, valid_y, bs=64)
learn = BasicLearner(dls, nn.Linear(784, 1), opt_func=BasicOptim, loss_func=mnist_loss, metrics=batch_accuracy)
learn.fit(2, 1.0)
assert len(learn.recorder.values) == 2 and len(learn.recorder.values[-1]) == 3, learn.recorder.values
''',
'nonlinear': LOAD + '''
from mnist_nb.nonlinear import simple_net, init_simple_net, simple_net_model
assert simple_net(train_x, *init_simple_net()).shape == (200, 1)
assert simple_net_model()(train_x).shape == (200, 1)
assert simple_net_model(16, n_out=10)(train_x).shape == (200, 10)
''',
'resnet': LOAD + '''
import warnings
from mnist_nb.resnet import RECIPES, comparison_data, compare_approaches, fit_resnet18, plot_comparison, read_spread
d = comparison_data(train_x, train_y, valid_x, valid_y, tiny, 'tiny 3 vs 7')
fits = {name: r.fit for name, r in RECIPES.items()}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    df = compare_approaches(d, {**fits, 'resnet18': lambda d: fit_resnet18(d, quiet=True)})
failed = df[df.error.notna()]
assert failed.empty, failed[['approach', 'error']].to_string()
assert list(df.approach) == list(RECIPES) and df.accuracy.between(0, 1).all(), df
plot_comparison(df)
spread = read_spread(Path('nbs/_data/spread.json'))   # the committed measurement: one row per recipe at least
assert set(RECIPES) <= set(spread.index) and (spread['min'] <= spread['max']).all(), spread
''',
'utils': '''
import torch
from mnist_nb.utils import check_int, check_index, check_lr, check_real, dtype_hint, as_device, Timer, BOOK, REPO_URL
assert check_int(3, 'n', 'f') == 3 and check_index(9, 10, 'k', 'f') == 9 and check_lr(0.1, 'f') == 0.1
assert check_real(0.5, 'noise', 'f') == 0.5 and 'x.float()/255' in dtype_hint(torch.uint8)
for bad, call in ((0, lambda: check_int(0, 'n', 'f')), (10, lambda: check_index(10, 10, 'k', 'f')),
                  (-1, lambda: check_lr(-1, 'f')), ('1', lambda: check_int('1', 'n', 'f'))):
    try: call(); raise AssertionError(f'{bad!r} was accepted')
    except (TypeError, ValueError) as e: assert str(e).startswith('f: '), e
assert isinstance(as_device(), torch.device) and as_device('cpu') == torch.device('cpu')
with Timer() as t: sum(range(1000))
assert t.seconds >= 0 and Timer().start().stop() >= 0
ts = Timer.runs({'a': lambda: None, 'b': lambda: None}, n=2)
assert set(ts) == {'a', 'b'} and len(ts['a']) == 2 and Timer.best(lambda: None, 2) >= 0
assert BOOK.pixel_similarity[2] == 0.9511 and REPO_URL.startswith('https://github.com/')
''',
'play': '''
import json, torch
from mnist_nb.play import coaster_start, sgd_trace, coaster_loss, x2_loss, play_data, play_reference, save_play
time, speed, params = coaster_start()
assert time.shape == speed.shape == (20,) and params.shape == (3,)
tr = sgd_trace([-1.5], 0.3, 5, x2_loss)
assert tr['params'].shape == (6, 1) and tr['grad'][0].item() == -3.0, tr
tr = sgd_trace(params, 1e-5, 3, coaster_loss(time, speed))
assert tr['loss'][-1] < tr['loss'][0], tr['loss']
data = play_data()
folder = save_play(data, play_reference(data, n=3), tiny/'play')
assert json.loads((folder/'data.json').read_text())['format'] == 'mnist_nb play data 1'
''',
'sources': '''
import gzip, pickle, io, os
import numpy as np
from mnist_nb.sources import read_idx, NumpyUnpickler
imgs = np.arange(2*28*28, dtype=np.uint8).reshape(2, 28, 28)
fn = tiny/'imgs-idx3-ubyte.gz'
fn.write_bytes(gzip.compress(b'\\0\\0\\x08\\x03' + b''.join(n.to_bytes(4, 'big') for n in imgs.shape) + imgs.tobytes()))
assert np.array_equal(read_idx(fn), imgs)
(tiny/'cut-idx3-ubyte.gz').write_bytes(fn.read_bytes()[:40])
try: read_idx(tiny/'cut-idx3-ubyte.gz'); raise AssertionError('a cut file was read')
except ValueError as e: assert 'cut-idx3-ubyte.gz' in str(e), e
assert np.array_equal(NumpyUnpickler(io.BytesIO(pickle.dumps(imgs))).load(), imgs)
try: NumpyUnpickler(io.BytesIO(pickle.dumps(os.system))).load(); raise AssertionError('os.system was unpickled')
except pickle.UnpicklingError: pass
''',
'multiclass': LOAD + '''
from mnist_nb.multiclass import cross_entropy, multi_accuracy, nll, log_softmax, get_preds, confusion_matrix, top_losses, most_confused
from mnist_nb.nonlinear import simple_net_model
from mnist_nb.optim import BasicOptim
from mnist_nb.data import tensor_dls
from mnist_nb.learner import BasicLearner
cls = lambda y: torch.where(y[:, 0] == 1, 3, 7)          # the digits themselves, as class indices
dls = tensor_dls(train_x, cls(train_y), valid_x, cls(valid_y), bs=64)
learn = BasicLearner(dls, simple_net_model(16, n_out=10), opt_func=BasicOptim, loss_func=cross_entropy, metrics=multi_accuracy)
learn.fit(2, 0.5)
preds = get_preds(learn.model, valid_x)
cm = confusion_matrix(preds, cls(valid_y))
assert cm.shape == (10, 10) and cm.sum() == 50
top_losses(preds, cls(valid_y), 5); most_confused(cm)
try: cross_entropy(preds, torch.full((50,), 10)); raise AssertionError('class 10 was accepted')
except ValueError as e: assert 'in 0..9' in str(e), e
''',
'draw': LOAD + '''
import json
from torch import nn
from mnist_nb.draw import mnist_like, tensor_b64, b64_tensor, draw_weights, save_weights
from mnist_nb.nonlinear import simple_net_model
ink = torch.zeros(100, 60); ink[10:90, 25:35] = 1           # a tall stroke, like a 1
img = mnist_like(ink)
assert img.shape == (28, 28) and 0 <= img.min() and img.max() <= 1 and img.sum() > 0
t = torch.randn(3, 4)
assert torch.equal(b64_tensor(json.loads(json.dumps(tensor_b64(t)))), t)
w = draw_weights(train_x[:100].mean(0).view(28, 28), train_x[100:].mean(0).view(28, 28), nn.Linear(784, 1),
                 simple_net_model(), simple_net_model(64, n_out=10))
assert save_weights(w, tiny/'draw').exists()
''',
}

def run(name:str, code:str, tiny:Path) -> tuple:
    "Run `code` for module `name` in a fresh interpreter; `(passed, seconds, output)`"
    prog = "import matplotlib; matplotlib.use('Agg')\nfrom pathlib import Path\n" + f"tiny = Path({str(tiny)!r})\n" + textwrap.dedent(code)
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(ROOT), os.environ.get('PYTHONPATH', '')]).rstrip(os.pathsep)}
    with Timer() as t:
        p = subprocess.run([sys.executable, '-c', prog], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    return p.returncode == 0, t.seconds, (p.stdout + p.stderr).strip()

def main():
    modules = sorted(p.stem for p in (ROOT/'mnist_nb').glob('*.py') if not p.stem.startswith('_'))
    untested = set(modules) - set(TESTS)
    passed, failed = [], list(sorted(untested))
    for m in untested: print(f"[library] {m}: FAILED, no test in tools/library_test.py for this module")
    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp)/'tiny'
        for name, code in TESTS.items():
            if name not in modules: continue  # a module that this checkout does not have (yet)
            ok, secs, out = run(name, code, tiny)
            (passed if ok else failed).append(name)
            print(f"[library] {name}: {'ok' if ok else 'FAILED'} in {secs:.1f} s")
            if not ok: print(textwrap.indent(out[-3000:], '    '))
            if name == 'data' and not ok: failed += [n for n in TESTS if n != 'data']; break  # the others need its sample
    print(f"library test: {len(passed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()
