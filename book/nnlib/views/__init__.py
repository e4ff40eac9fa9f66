"""The book's interactive figures, one module per chapter (``ch1_neuron``, ``ch2_...``).

Importing this package imports every chapter's module, in chapter order, so
:data:`nnlib.live.VIEWS` lists every view (the tests and the benchmark walk
that list).
"""

import importlib
import pkgutil

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _module.name.startswith("ch"):
        importlib.import_module(f"{__name__}.{_module.name}")
