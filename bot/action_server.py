"""The action server's process: `python -m bot.action_server --port 5055`.

It is rasa_sdk's own server (what `rasa run actions --actions bot.actions` starts), run
without TensorFlow. spaCy's thinc imports TensorFlow whenever it is installed, and Rasa needs
it installed; nothing in the actions uses it (the directory's place matcher needs only a blank
spaCy pipeline). Marking it absent makes `import tensorflow` fail fast, so thinc carries on
without it. Measured on this machine: see docs/benchmarks.md, "Memory of each process"
(and the table of each process's peak RSS under "Conversation").
h5py is marked absent too: thinc imports it only for its TensorFlow shims, and it cost the
process 12 MB of RSS (peak 153 -> 141 MB after the first actions; the console's the same).
"""
from __future__ import annotations

import sys

sys.modules["tensorflow"] = None  # type: ignore[assignment]  # `import tensorflow` now fails
sys.modules["h5py"] = None  # type: ignore[assignment]  # only thinc's TensorFlow shims use it

from rasa_sdk.__main__ import main  # noqa: E402  (after the line above, on purpose)

if __name__ == "__main__":
    sys.argv[1:1] = ["--actions", "bot.actions"]
    main()
