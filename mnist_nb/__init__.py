"""fastbook chapter 4, 'MNIST basics', rebuilt as a literate nbdev library"""
__version__ = "0.0.1"

import warnings
# fastai 2.8 wraps a few activations in `torch.jit.script` when it is imported, which torch 2.14 deprecates.
# The warning is about fastai's internals, not anything a reader does, so it is hidden for this package's users.
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
