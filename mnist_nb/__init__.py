"""fastbook chapter 4, 'MNIST basics', rebuilt as a literate nbdev library"""
__version__ = "0.0.1"
