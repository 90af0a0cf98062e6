"""Run the advisor console: `python -m helpline.console --port 8001 --rasa-url URL`.

Without TensorFlow or h5py, as the action server (bot/action_server.py says why): the
console's directory search loads spaCy, whose thinc would import them. Without h5py the
console's RSS is 12 MB lower (147 -> 135 MB once started, 148 -> 136 MB peak after its first
directory search).
"""
from __future__ import annotations

import argparse
import logging
import sys

sys.modules["tensorflow"] = None  # type: ignore[assignment]  # `import tensorflow` now fails
sys.modules["h5py"] = None  # type: ignore[assignment]  # only thinc's TensorFlow shims use it

from aiohttp import web  # noqa: E402  (after the line above, on purpose)

from helpline import logs, settings  # noqa: E402
from helpline.console.app import make_app  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    config = settings.get()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=config.bind)
    parser.add_argument("--port", type=int, default=config.console_port)
    parser.add_argument("--rasa-url", default=config.rasa_url)
    parser.add_argument("--db-url", default=None, help="default: env HELPLINE_DB_URL")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logs.install()
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    app = make_app(args.rasa_url, args.db_url, config.rasa_token.get_secret_value() or None)
    web.run_app(app, host=args.host, port=args.port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
