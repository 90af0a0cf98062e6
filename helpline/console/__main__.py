"""Run the advisor console: `python -m helpline.console --port 8001 --rasa-url URL`."""
from __future__ import annotations

import argparse
import logging
import os
import sys

from aiohttp import web

from helpline import logs
from helpline.console.app import make_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HELPLINE_BIND", "127.0.0.1"))
    parser.add_argument("--port", type=int,
                        default=int(os.environ.get("HELPLINE_CONSOLE_PORT", "8001")))
    parser.add_argument("--rasa-url",
                        default=os.environ.get("HELPLINE_RASA_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--db-url", default=None, help="default: env HELPLINE_DB_URL")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logs.install()
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    app = make_app(args.rasa_url, args.db_url, os.environ.get("HELPLINE_RASA_TOKEN") or None)
    web.run_app(app, host=args.host, port=args.port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
