#!/usr/bin/env python3
"""Rewrites the configuration key table in README.md and the scalar sections of
systemd/siftd.toml.example from the one config table (`siftd config-keys`), so the documents
never drift from the code. Usage: scripts/update-config-docs.py path/to/siftd"""
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
siftd = sys.argv[1]

def keys(fmt):
    return subprocess.run([siftd, "config-keys", "--format", fmt], check=True, capture_output=True,
                          text=True).stdout

# Keys that are not scalars in the table, documented by hand after the key they follow.
EXTRA_ROWS = {
    "daemon.log_level": "| `daemon.ignore` | `[]` | extra names never taken (shell patterns), beside the built-in temp names of sync tools |",
    "model.reasoning_effort": "| `model.extra_headers` | `{}` | a table of extra HTTP headers sent with every request (for routers such as OpenRouter) |",
}
WATCH_ROW = ("| `[[watch]]` | `daemon.inbox` alone | several watched folders instead of `daemon.inbox`: `path`, "
             "`settle_ms`, `mode` (`auto` polls NFS, SMB, FUSE and 9p folders, `inotify`, `poll`), "
             "`poll_interval_ms` (2000), `ignore`; each claims into its own `<path>/.siftd` |")
TAXONOMY_ROW = ("| `[[taxonomy.category]]` | 10 categories | `name` (a folder-safe name), `description`, "
                "`examples`, and `[[taxonomy.category.fields]]` with `name`, `type` (`string`, `number`, "
                "`boolean`), `description` |")

rows = []
for row in keys("markdown").splitlines():
    rows.append(row)
    key = row.split("`")[1]
    if key in EXTRA_ROWS:
        rows.append(EXTRA_ROWS[key])
rows.append(WATCH_ROW)
rows.append(TAXONOMY_ROW)

readme = root / "README.md"
text = readme.read_text()
header = text.index("| key | default | meaning |")
start = text.index("\n", text.index("\n", header) + 1) + 1
end = text.index("\n", text.index("| `[[taxonomy.category]]`", start)) + 1
readme.write_text(text[:start] + "\n".join(rows) + "\n" + text[end:])

# The example shows production paths and one ignore pattern where the defaults are empty.
toml = keys("toml")
for old, new in [('inbox = "./inbox"', 'inbox = "/srv/siftd/inbox"'),
                 ('out = "./sorted"', 'out = "/srv/siftd/sorted"'),
                 ('journal = ""', 'journal = "/var/lib/siftd/journal.db"'),
                 ('listen = ""', 'listen = "127.0.0.1:9464"'),
                 ('log_level = "info"\n', 'log_level = "info"\n# extra names never taken (shell patterns), '
                                          'beside the built-in temp names of sync tools\nignore = ["*.inprogress"]\n')]:
    toml = toml.replace(old, new, 1)
example = root / "systemd" / "siftd.toml.example"
text = example.read_text()
head = text[:text.index("[daemon]")]
tail = text[text.index("# Several watched folders"):]
example.write_text(head + toml + "\n" + tail)
