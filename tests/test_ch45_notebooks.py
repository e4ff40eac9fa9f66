"""Chapters 4 and 5 as code a reader reads: lines that fit the column, figure code in the
package, and cells that only draw a figure folded away."""

import json
import re

import pytest

from conftest import ROOT

NOTEBOOKS = ["04_backprop.ipynb", "05_sgd.ipynb"]
FIGURES = re.compile(r"^(\w+_figure|computational_graph|loss_slices)\(")


def code_cells(name):
    cells = json.loads((ROOT / "book" / name).read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_code_line_fits_the_column(name):
    long = [f"cell {c.get('id')}: {len(line)} characters: {line[:40]}…"
            for c in code_cells(name) for line in "".join(c["source"]).splitlines() if len(line) > 88]
    assert not long, "code lines longer than 88 characters:\n" + "\n".join(long)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_figures_are_drawn_by_the_package_and_plot_only_cells_are_folded(name):
    for cell in code_cells(name):
        source = "".join(cell["source"])
        assert "plt." not in source, f"cell {cell.get('id')} draws with pyplot; move it to nnlib.views"
        if FIGURES.match(source.strip()):  # the cell does nothing but draw a figure
            tags = cell.get("metadata", {}).get("tags", [])
            assert "hide-input" in tags, f"cell {cell.get('id')} only draws a figure: tag it hide-input"
