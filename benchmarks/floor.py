"""The parse floor: PyYAML's C loader composing the same YAML files mail-lint reads, nothing else.

    python benchmarks/floor.py CORPUS_DIR      # every compose file of CORPUS_DIR/MANIFEST.json
    python benchmarks/floor.py FILE.yml [...]  # these files

It prints ``composed N YAML files`` so the runner can check that nothing was skipped. It is run
with the interpreter of mail-lint's own venv, so start-up, import and file reading cost the
same as for mail-lint; the difference between the two is everything mail-lint does on top of
composing the YAML (discovery, the Compose model, .env and settings files, plugins, rules,
output).
"""

from __future__ import annotations

import json
import os
import sys

import yaml


def manifest_compose_files(corpus: str) -> list[str]:
    """Every ``compose_files`` entry of ``corpus/MANIFEST.json``, as a path.

    An entry is relative to the corpus folder when it starts with its project's ``dir``,
    else relative to that project's folder.
    """
    with open(os.path.join(corpus, "MANIFEST.json"), encoding="utf-8") as stream:
        items = json.load(stream)["items"]
    paths = []
    for item in items:
        folder = item["dir"].rstrip("/")
        for name in item["compose_files"]:
            if name == folder or name.startswith(folder + "/"):
                paths.append(os.path.join(corpus, name))
            else:
                paths.append(os.path.join(corpus, folder, name))
    return paths


def compose_all(paths: list[str]) -> int:
    """Compose every file with the C loader; the number of files composed."""
    for path in paths:
        with open(path, "rb") as stream:
            yaml.compose(stream, Loader=yaml.CSafeLoader)
    return len(paths)


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: floor.py CORPUS_DIR | FILE.yml...", file=sys.stderr)
        return 2
    from_manifest = len(argv) == 1 and os.path.isdir(argv[0])
    paths = manifest_compose_files(argv[0]) if from_manifest else argv
    print(f"composed {compose_all(paths)} YAML files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
