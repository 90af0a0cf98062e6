"""Health check for containers: `python -m helpline.health URL` exits 0 if URL answers 2xx.

The processes' own endpoints (no request content, no ids):
- Rasa server: ``GET /webhooks/rest/`` (ready: the model is loaded before it listens);
- action server: ``GET /health``;
- web chat: ``GET /healthz``; advisor console: ``GET /login``;
- nginx: ``GET /nginx-health``.
The images have no curl, so this uses the standard library.
"""
from __future__ import annotations

import sys
import urllib.request


def healthy(url: str, timeout: float = 5) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return 200 <= reply.status < 300
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m helpline.health URL", file=sys.stderr)
        return 2
    return 0 if healthy(args[0]) else 1


if __name__ == "__main__":
    sys.exit(main())
