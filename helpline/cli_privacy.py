"""`helpline erase <conversation id>` and `helpline retention [--days N]`."""
from __future__ import annotations

import argparse

from helpline import privacy


def _erase(args: argparse.Namespace) -> int:
    conversation_id = args.conversation_id
    if args.channel:
        conversation_id = privacy.pseudonymise(args.channel, conversation_id)
    counts = privacy.erase(conversation_id, tracker_url=args.tracker_url, db_url=args.db_url)
    total = sum(counts.values())
    print(f"Erased {total} row(s): " + (", ".join(f"{k} {v}" for k, v in counts.items())
                                         or "nothing was held"))
    return 0


def _retention(args: argparse.Namespace) -> int:
    days = args.days if args.days is not None else privacy.retention_days()
    if days < 0:
        print("--days must be 0 or more")
        return 2
    erased = privacy.purge_older_than(days, tracker_url=args.tracker_url, db_url=args.db_url)
    print(f"Erased {erased} conversation(s) with no activity in the last {days} day(s).")
    return 0


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tracker-url", default=None,
                        help="Rasa tracker store URL (default: HELPLINE_TRACKER_DB_URL)")
    parser.add_argument("--db-url", default=None,
                        help="our database URL (default: HELPLINE_DB_URL)")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `erase` and `retention` sub-commands."""
    erase = subparsers.add_parser(
        "erase", help="erase one conversation everywhere, bytes included",
        description="Erase a conversation: tracker events, our rows, and their bytes on disk.")
    erase.add_argument("conversation_id",
                       help="the conversation (pseudonymous sender) id as in the tracker store")
    erase.add_argument("--channel", default=None,
                       help="treat the id as a raw channel id (e.g. rest) and pseudonymise it")
    _common(erase)
    erase.set_defaults(func=_erase)

    retention = subparsers.add_parser(
        "retention", help="erase conversations older than the retention limit",
        description="Erase every conversation whose latest activity is older than N days.")
    retention.add_argument("--days", type=int, default=None,
                           help="days to keep (default: HELPLINE_RETENTION_DAYS or 30)")
    _common(retention)
    retention.set_defaults(func=_retention)
