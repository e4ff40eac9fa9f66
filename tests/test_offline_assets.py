"""The fetcher of the pages' scripts (book/_offline/fetch_assets.py) refuses a tarball that is not the pinned one."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import tarfile

import pytest

from conftest import ROOT

FETCH = ROOT / "book" / "_offline" / "fetch_assets.py"


@pytest.fixture
def fetch(tmp_path, monkeypatch):
    """fetch_assets with its cache in a temp folder (no npm is ever run: the tarballs are already there)."""
    spec = importlib.util.spec_from_file_location("fetch_assets_under_test", FETCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(module, "npm", lambda: pytest.fail("npm must not run: the tarball is in the cache"))
    return module


def fake_tarball(text: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = json.dumps({"name": "demo", "version": "1.0.0", "note": text}).encode()
        info = tarfile.TarInfo("package/package.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def test_every_pinned_package_has_its_integrity():
    module = importlib.util.module_from_spec(spec := importlib.util.spec_from_file_location("fa", FETCH))
    spec.loader.exec_module(module)
    versions = module.pinned()
    hashes = module.integrities(versions)
    assert set(hashes) == set(versions) and all(h.startswith("sha512-") and len(h) == 95 for h in hashes.values())


def test_a_matching_tarball_is_unpacked(fetch):
    good = fake_tarball("the real one")
    path = fetch.CACHE / "tarballs" / "demo-1.0.0.tgz"
    path.parent.mkdir(parents=True)
    path.write_bytes(good)
    package = fetch.unpack("demo", "1.0.0", sri(good))
    assert json.loads((package / "package.json").read_text())["note"] == "the real one"


def test_a_corrupted_tarball_is_refused_with_a_clear_message(fetch):
    good = fake_tarball("the real one")
    path = fetch.CACHE / "tarballs" / "demo-1.0.0.tgz"
    path.parent.mkdir(parents=True)
    corrupted = bytearray(good)
    corrupted[len(corrupted) // 2] ^= 0xFF  # one flipped byte
    path.write_bytes(bytes(corrupted))
    with pytest.raises(SystemExit) as refused:
        fetch.unpack("demo", "1.0.0", sri(good))
    message = str(refused.value)
    assert "is not the pinned demo@1.0.0" in message and sri(good) in message and sri(bytes(corrupted)) in message
    assert f"Delete {path}" in message
    assert not (fetch.CACHE / "packages" / "demo-1.0.0" / "package").exists(), "nothing from it may be used"


def test_a_lock_without_the_version_is_refused(fetch, tmp_path):
    lock = tmp_path / "package-lock.json"
    lock.write_text(json.dumps({"packages": {"node_modules/demo": {"version": "0.9.0", "integrity": "sha512-x"}}}))
    with pytest.raises(SystemExit, match=r"(?s)must pin demo@1.0.0 .*npm view demo@1.0.0 dist.integrity"):
        fetch.integrities({"demo": "1.0.0"}, lock)


def test_header_buttons_follow_the_repository_setting():
    """Without repository.url no button may lead to a placeholder; with it, all of them appear."""
    spec = importlib.util.spec_from_file_location("nnfs_offline_under_test", ROOT / "book" / "_ext" / "nnfs_offline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    launchers = {"binderhub_url": "https://mybinder.org", "colab_url": "https://colab.research.google.com",
                 "jupyterhub_url": "https://hub.example.edu", "thebe": True}
    unset = module.repository_buttons({"repository_url": "", "launch_buttons": launchers})
    assert unset["use_repository_button"] is False and unset["use_issues_button"] is False
    assert unset["launch_buttons"]["thebe"] is True
    assert not any(unset["launch_buttons"][key] for key in ("binderhub_url", "colab_url", "jupyterhub_url"))
    published = module.repository_buttons({"repository_url": "https://github.com/owner/book",
                                           "launch_buttons": launchers})
    assert published["use_repository_button"] is True and published["use_issues_button"] is True
    assert published["launch_buttons"] == launchers


def test_a_print_the_kernel_flushed_in_pieces_is_shown_as_printed():
    """Under load the kernel sends "b1:" and " (2,) ..." of one print apart; the page shows one line."""
    from nbformat import from_dict

    spec = importlib.util.spec_from_file_location("nnfs_offline_under_test", ROOT / "book" / "_ext" / "nnfs_offline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module._join_split_prints()
    import myst_nb.core.render as render

    pieces = [from_dict({"name": "stdout", "output_type": "stream", "text": text})
              for text in ("b1:", " (2,)   δ1: (4, 2)\n", "next line\n")]
    (merged,) = render.coalesce_streams(pieces)
    assert merged["text"] == "b1: (2,)   δ1: (4, 2)\nnext line\n"
