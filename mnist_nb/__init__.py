"""fastbook chapter 4, 'MNIST basics', rebuilt as a literate nbdev library"""
__version__ = "0.0.1"

import os, warnings
# On a busy CPU, PyTorch's OpenMP threads spin while they wait for each other, which made small matrix
# products here 20-50x slower. Passive waiting avoids it; it must be set before torch is first imported.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
# fastai 2.8 wraps a few activations in `torch.jit.script` when it is imported, which torch 2.14 deprecates.
# The warning is about fastai's internals, not anything a reader does, so it is hidden for this package's users.
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
