"""nnlib: the pieces of a neural network that the book's chapters build, kept in one place.

Each module names the chapter that shows its contents in full; a chapter
imports from here only what an earlier chapter (or itself, above) showed.

- :mod:`nnlib.activations` (Chapter 1): sigmoid, tanh, ReLU, step and their derivatives
- :mod:`nnlib.neuron` (Chapter 1): one neuron
- :mod:`nnlib.network` (Chapter 2): layers, the forward pass, softmax
- :mod:`nnlib.losses` (Chapter 3): MSE and cross-entropy
- :mod:`nnlib.backprop` (Chapter 4): backpropagation and the gradient check
- :mod:`nnlib.training` (Chapter 5): gradient descent, mini-batches, accuracy
- :mod:`nnlib.mlp` (Chapter 6): the vectorised mini-batch network, any depth, softmax output
- :mod:`nnlib.autograd` (Chapter 7): automatic differentiation of single numbers
- :mod:`nnlib.live` and :mod:`nnlib.views`: the sliders and figures (no need to read)
- :mod:`nnlib.data`: the four people that Chapters 3 to 5 share, and Chapter 6's digits
- :mod:`nnlib.checks`: the input checks behind every clear error message
"""
