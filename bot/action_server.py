"""The action server's process: `python -m bot.action_server --port 5055`.

It is rasa_sdk's own server (what `rasa run actions --actions bot.actions` starts), run
without TensorFlow. spaCy's thinc imports TensorFlow whenever it is installed, and Rasa needs
it installed; nothing in the actions uses it (the directory's place matcher needs only a blank
spaCy pipeline). Marking it absent makes `import tensorflow` fail fast, so thinc carries on
without it. Measured on this machine: see docs/benchmarks.md, "Memory of each process".
"""
from __future__ import annotations

import sys

sys.modules["tensorflow"] = None  # type: ignore[assignment]  # `import tensorflow` now fails

from rasa_sdk.__main__ import main  # noqa: E402  (after the line above, on purpose)

if __name__ == "__main__":
    sys.argv[1:1] = ["--actions", "bot.actions"]
    main()
