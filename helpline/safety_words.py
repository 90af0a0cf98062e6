"""Safety words and exit words, checked before Rasa sees a message (safety rule 4).

The matcher is deterministic: a message matches when, ignoring case, surrounding spaces and
surrounding punctuation, it *is* the word. "exiting the house" never matches "exit".

Every channel (REST/web chat, SMS, Telegram) calls ``screen()`` first. It:

1. ends and erases the conversation on a default exit word or the person's own safety word,
   and returns only the neutral reply;
2. sets a safety word given in one message ("my safety word is bluebell", "set my safe word
   to teacakes", "safety word: X"; see ``word_in_message``), or runs the two-step "set a
   safety word" exchange, here in the channel layer, so the word never reaches Rasa's
   tracker store or any log; only a keyed hash of it is stored. Both ways apply the same
   checks (``word_problem``) and give the same replies;
3. otherwise returns None: the message goes on to Rasa.

The one-message forms are deliberately narrow: a message that only looks like one ("my safe
word is not working") goes on to Rasa, because the would-be word starts with a word no
safety word starts with (``_NOT_A_WORD``); a request to set or change the word without a
usable word in it ("change my safety word because he saw it"), or asking for one ("i want a
safe word", "how do i set a safety word"), starts the two-step exchange. Everyday replies
("ok", "thanks") are refused as words, so a reply to the prompt can never become a word that
later ends the chat by chance.
A message that also shows immediate danger always goes on to Rasa (999 first).
"""
from __future__ import annotations

import asyncio
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import Boolean, Column, Float, String, select
from sqlalchemy.orm import Session

from helpline import danger, db, privacy, settings, stats
from helpline.db import Base
from helpline.untrusted import clean_text

MAX_WORD_LENGTH = 40
MAX_WORDS = 3  # the two-step answer: a word or a short phrase, never a sentence
AWAIT_SECONDS = 15 * 60  # "set a safety word" waits this long for the word

# Words Twilio (and US/UK carriers) reserve for opt-out, opt-in and help. A message made of
# one of these may be swallowed by the carrier or end all texts from our number, so it can
# never be a safety word.
RESERVED_WORDS = frozenset({
    "stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "optout",
    "opt out", "opt-out", "revoke", "start", "yes", "unstop", "optin", "opt in", "opt-in",
    "help", "info",
})

# Messages that start the "set a safety word" exchange (after normalise()).
SET_COMMANDS = frozenset({
    "set a safety word", "set safety word", "set my safety word", "set up a safety word",
    "change my safety word", "change safety word", "new safety word", "/set_safety_word",
})

_EDGE_PUNCTUATION = ".,!?;:'\"`()[]{}<>*_~-"
_SPACES = re.compile(r"\s+")

PROMPT = (
    "Choose a safety word or a short phrase (up to three words) and send it as your next "
    "message. "
    "If you send it again at any time, this conversation ends at once, what we hold about "
    "it is erased, and you will see only a short neutral reply. "
    "Pick something you would not type by chance, and not STOP, HELP or another word "
    "that text-message services reserve."
)
CONFIRMED = (
    "Your safety word is set. Send it on its own at any time to end this conversation "
    "and erase it. The default exit words work too: {exit_words}."
)
REFUSED_RESERVED = (
    "Sorry, \"{word}\" can't be a safety word. Text-message services reserve it (for "
    "stopping messages or for help), so it might never reach us or might block our texts. "
    "Send \"set a safety word\" to choose a different one."
)
REFUSED_INVALID = (
    "Sorry, that can't be a safety word. Use 1 to {max} letters or numbers, for example "
    "a word you would not type by chance. Send \"set a safety word\" to try again."
)
REFUSED_COMMON = (
    "Sorry, \"{word}\" can't be a safety word: people type it all the time, so it could end "
    "the chat by chance. Pick something you would not type by chance, and send \"set a safety "
    "word\" to try again."
)
# Everyday replies that would end a chat by chance if they were its safety word: after "set
# a safety word", "ok" was taken as the word.
COMMON_REPLIES = frozenset({
    "ok", "okay", "k", "kk", "no", "yeah", "yep", "yup", "nope", "nah", "thanks", "thank you",
    "thankyou", "ty", "ta", "cheers", "hi", "hiya", "hello", "hey", "what", "why", "how", "who",
    "when", "where", "sorry", "please", "pls", "hmm", "lol", "idk", "sure", "fine", "cool",
    "great", "nothing", "nvm", "bye", "goodbye", "alright", "right", "i", "a", "me", "he", "she",
    "what?", "ok thanks", "ok thank you", "thanks bye",
})
REFUSED_EXIT = (
    "\"{word}\" already ends this conversation at any time: it is one of the default exit "
    "words. To have a word of your own as well, send \"set a safety word\"."
)


class SafetyWord(Base):
    """A person's own safety word, stored as a keyed hash, one per conversation."""

    __tablename__ = "safety_words"

    conversation_id = Column(String(128), primary_key=True)
    word_hash = Column(String(64), nullable=True)
    awaiting_word = Column(Boolean, nullable=False, default=False)
    updated_at = Column(Float, nullable=False, default=time.time)


# ------------------------------------------------------------------------------ configuration

def normalise(text: Any) -> str:
    """Case-folded, NFKC-normalised, inner spaces collapsed, edges stripped; lone surrogates
    become U+FFFD, as the channels clean text (helpline.untrusted), so a word's hash is the
    same whichever way the text came."""
    if not isinstance(text, str):
        return ""
    value = unicodedata.normalize("NFKC", clean_text(text)).casefold()
    value = _SPACES.sub(" ", value).strip()
    return value.strip(_EDGE_PUNCTUATION + " ")


def exit_words() -> frozenset[str]:
    """The default exit words (settings: HELPLINE_EXIT_WORDS, comma-separated)."""
    return frozenset(w for w in (normalise(word) for word in settings.get().exit_words.split(","))
                     if w)


# Response header of the REST channel when a safety or exit word has just erased the
# conversation: the web chat ends the chat on it (the body keeps Rasa's REST contract).
ENDED_HEADER = "X-Helpline-Ended"


def neutral_reply() -> str:
    """The only reply after a safety word (settings: HELPLINE_NEUTRAL_REPLY)."""
    return settings.get().neutral_reply


def is_exit_word(text: Any) -> bool:
    """True when the whole message is one of the default exit words."""
    value = normalise(text)
    return bool(value) and value in exit_words()


def is_set_command(text: Any) -> bool:
    return normalise(text) in SET_COMMANDS


def word_problem(text: Any) -> Optional[str]:
    """Why ``text`` can't be a safety word (a reply to send), or None when it can."""
    value = normalise(text)
    if value in RESERVED_WORDS:
        return REFUSED_RESERVED.format(word=value.upper())
    if value and value in exit_words():
        return REFUSED_EXIT.format(word=value.upper())
    if value in COMMON_REPLIES:
        return REFUSED_COMMON.format(word=value)
    if (not value or len(value) > MAX_WORD_LENGTH or value in SET_COMMANDS
            or not any(ch.isalnum() for ch in value)):
        return REFUSED_INVALID.format(max=MAX_WORD_LENGTH)
    return None


# ------------------------------------------------------------ setting a word in one message

_NOUN = r"(?:safe(?:ty)?|code)[ -]?(?:word|phrase)"
# "word" or "code" alone, only where the sentence can mean nothing else: "use seagull as the
# word", "can the word be kettle", "my word will be hedgehog", "set a word. it's giraffe".
_LOOSE_NOUN = rf"(?:{_NOUN}|code|word)"
_POLITE = r"(?:(?:please|pls|plz|ok|okay|hi|hello|hey|so|right)[ ,]+)*"
_ASKING = r"(?:(?:can|could|would|will) you (?:please )?|please )?"
_I_WANT = r"(?:i want|i need|i would like|i'd like|id like|i wanna)"
_WANT = rf"(?:(?:{_I_WANT}|let me|can i|could i|may i|lets|let's|let us|can we|could we) (?:to )?)?"
_ARTICLE = r"(?:(?:my|a|the|me a|a new|my new|the new|new) )?"
_TAIL = re.compile(r"(?:[ ,.!]+(?:please|pls|plz|thanks|thank you|thankyou|thx|ta|cheers))+$")
# "set my safe word to teacakes", "i want to set a safety word: bluebell",
# "make my safe word X please"; without a word ("set my safe word please") it asks for one.
_SET_FORM = re.compile(
    rf"^{_POLITE}{_ASKING}{_WANT}(?:set|change|make|update|choose|pick|create|put)(?: up)? "
    rf"{_ARTICLE}(?:{_NOUN}|word(?=[.,:;!?]))(?P<rest>.*)$")
_SET_SEPARATOR = re.compile(
    r"^(?:\s*[:=\u2013\u2014.,;?!-]+\s*|\s+(?:to be|to|as|is|be|will be)\s+|(?P<bare>\s+))(?P<word>.+)$")
# "my safety word is bluebell", "safety word: X", "i want my safe word to be X" (with "is"
# or "to be", only after "my" or "the").
_IS_FORM = re.compile(
    rf"^{_POLITE}(?:{_I_WANT} )?(?P<whose>(?:my|the) )?(?:new )?"
    rf"{_NOUN}(?:\s*[:=\u2013\u2014-]\s*|(?P<verb>'s\s+|\s+(?:is|is now|now is|will be|"
    rf"should be|shall be|can be|to be|is going to be)\s+))(?P<word>.+)$|"
    rf"^{_POLITE}my word (?:will be|is going to be|should be|shall be) (?P<word2>.+)$")
# "can my safe word be X", "could i make my safety word be X".
_CAN_FORM = re.compile(
    rf"^{_POLITE}(?:can|could|may|should|shall) (?:i (?:make|have|set) |we (?:make|set) )?"
    rf"(?:my|the) (?:new )?{_LOOSE_NOUN} be (?P<word>.+)$")
# "use bluebell as my safety word", "make teacakes my safe word".
_USE_FORM = re.compile(
    rf"^{_POLITE}{_ASKING}{_WANT}(?:use|make|have|set|choose|pick|i want|i choose|i pick|"
    rf"i will use|i'll use) (?P<word>.+?) (?:as |to be |be |for )?(?:my|the|a) (?:new )?"
    rf"{_LOOSE_NOUN}$")
# Asking to have a word, with it or without: "i want a safe word, lets say seagull", "can i
# have a safe word? penguin", "can i have a code word so you know if i cant talk" (then ask).
_WANT_FORM = re.compile(
    rf"^{_POLITE}(?:{_I_WANT}|(?:can|could|may) (?:i|we)) (?:to )?(?:have|get|use|set up|agree) "
    rf"(?:a|an|my|our) (?:new )?{_NOUN}(?: please| pls| plz)?(?P<rest>.*)$|"
    rf"^{_POLITE}{_I_WANT} (?:a|an|my) (?:new )?{_NOUN}(?: please| pls| plz)?(?P<rest2>.*)$")
# "id like the word to be seagull": "the word" alone only with "to be", "can we agree a word so
# i can type it" (then ask); a bare "i need a word with you" is not a request.
_THE_WORD_FORM = re.compile(rf"^{_POLITE}{_I_WANT} the word to be (?P<word>.+)$")
_ASKS_FOR_ONE = re.compile(
    rf"^{_POLITE}(?:can|could) (?:we|i) (?:agree|have|set|pick|choose) a word (?:so|that|to|for|i "
    r"(?:can |could )?(?:type|send|text|say))\b|"
    rf"^{_POLITE}how (?:do|can|would) i (?:set|set up|get|make|choose|have|pick) (?:a|my) (?:new )?"
    rf"{_NOUN}\b|^{_POLITE}(?:a )?{_NOUN}$|"
    rf"\b{_NOUN}\b.*\b(?:i want|i'd like|id like|i would like|can i have|can i get) one$")
# "if i type raining it means i cant talk", "if i text the word umbrella can that mean...",
# "if i type banana can you stop" (a word of three words at most).
_IF_MEANS_FORM = re.compile(
    rf"^{_POLITE}if i (?:say|type|send|write|text) (?:the word |the phrase )?"
    r"(?P<word>[^ ,]+(?: [^ ,]+){0,2}?)\s*,?\s+(?:it|that|this|then)? ?(?:will |would |can |could )?"
    r"(?:means?|can you|could you|can that|could that|will you|please)\b")
# "if i say crumpet thats my safety word", "bluebell is my safe word" (a word of three words at
# most).
_IF_FORM = re.compile(
    rf"^{_POLITE}if i (?:say|type|send|write|text) (?P<word>.+?)\s*,?\s+(?:that is|that'?s|it is|it'?s|"
    rf"that will be|that'?ll be|that is going to be) (?:my|the) (?:new )?{_NOUN}$")
_REVERSE_FORM = re.compile(
    rf"^{_POLITE}(?P<word>[^ ]+(?: [^ ]+){{0,2}})(?: (?:is|will be|should be|shall be|can be) |"
    rf"\s*[=:\u2013\u2014-]\s*)(?:(?:my|the|a) )?(?:new )?{_NOUN}$")
# "safety word tangerine": one word straight after the noun.
_BARE_FORM = re.compile(rf"^{_POLITE}(?:(?:my|a|the) )?(?:new )?{_NOUN} (?P<word>[^ ]+)$")
# A would-be word that starts like a sentence: the message is about the word, not setting it.
_NOT_A_WORD = frozenset({
    "not", "no", "never", "for", "because", "cos", "coz", "cause", "but", "and", "or", "if",
    "so", "now", "again", "too", "then", "that", "which", "what", "when", "where", "how",
    "why", "who", "whatever", "i", "i'm", "im", "he", "she", "they", "we", "you", "it",
    "it's", "its", "is", "isn't", "was", "wasn't", "does", "doesn't", "do", "don't", "did",
    "didn't", "up", "in", "on", "with", "from", "before", "after", "still", "already",
    "something", "anything", "same", "working", "forgotten", "gone", "wrong", "broken",
    "this", "there", "here", "mine", "yours", "whats", "wheres", "please", "pls",
    "thanks", "reset", "change", "set", "ok", "okay", "works", "work", "changed", "removed",
    "deleted", "cancelled", "canceled", "back", "sorted", "done",
})
# "safe word is custard": one word, not one that says what safety words are like.
_ONE_WORD = re.compile(r"^(?!(?:good|bad|important|useful|needed|helpful|confusing|silly|great|"
                       r"pointless|clever|smart|easy|hard|required|optional|case|what|how)\b)"
                       r"[^\W\d_]{2,}$")
_NO_WORD = frozenset({"", "please", "here", "for this chat", "to", "as", "to be"})
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u00ab": '"', "\u00bb": '"'})
_WORD_EDGES = _EDGE_PUNCTUATION + "\u2018\u2019\u201c\u201d\u00ab\u00bb "
ASK_FOR_WORD = object()  # word_in_message(): a request to set a word, without the word


def _strip_tail(value: str) -> str:
    return _TAIL.sub("", value).strip()


_LEAD = re.compile(r"^(?:(?:please|pls|plz|ok|okay)[ ,]+)*(?:(?:use|lets say|let's say|let us say|"
                   r"say|make it|call it|it is|it's|its|how about|it will be|it'll be|"
                   r"it should be|that is|that's|thats)[ ,]+)?(?:the (?:word|phrase) )?")


_SENTENCE_BREAK = re.compile(r"[.!?;,]+\s+")


def _candidate(value: str) -> Optional[str]:
    """The would-be word, or None when it reads like a sentence rather than a word. The word
    ends at a sentence break: "my safe word is bluebell. if i send it stop" had set the whole
    message as the word, so "bluebell" alone would never have worked."""
    word = _SENTENCE_BREAK.split(_LEAD.sub("", value.strip()).strip(), 1)[0].strip()
    first = word.split(" ", 1)[0].strip(_EDGE_PUNCTUATION)
    if not word or first in _NOT_A_WORD:
        return None
    return word


def _as_written(original: str, value: str, start: int, word: str) -> str:
    """``word`` (found in the quote-folded ``value`` from ``start``) as the person wrote it,
    without the quotes around it: the hash must match the word sent later on its own."""
    at = value.index(word, start)
    return normalise(original[at:at + len(word)].strip(_WORD_EDGES))


def word_in_message(text: Any) -> Any:
    """The safety word a one-message request gives, ``ASK_FOR_WORD`` for a request without
    one ("i want to set a safety word"), or None when the message is not such a request.

    The word comes back as written in the message (after normalise()), quotes and a
    trailing "please"/"thanks" removed; check it with ``word_problem``.

    A message that also shows immediate danger ("my safe word is bluebell he's outside") is
    not taken as a request: it goes on to Rasa, whose first reply is the 999 one. So is a
    word that is itself on the danger list, like "knife", and the two-step way refuses it
    the same way (``screen_sync``): danger is never taken as a word.
    """
    found = _word_in_message(text)
    if found is not None and danger.in_danger(normalise(text)):
        return None
    return found


def _word_in_message(text: Any) -> Any:
    original = normalise(text)
    value = original.translate(_QUOTES)  # same length: positions carry over
    if not value or value in SET_COMMANDS:
        return None
    match = _SET_FORM.match(value) or _WANT_FORM.match(value)
    if match:
        # A request to set or change the word; without a usable word in it, ask for one.
        rest_at = "rest" if match.group("rest") is not None else "rest2"
        rest = _TAIL.sub("", match.group(rest_at)).rstrip()
        parts = _SET_SEPARATOR.match(rest)
        word = _candidate(parts.group("word")) if parts else None
        if word is None or (parts.group("bare") and len(word.split()) > 4):
            return ASK_FOR_WORD
        word = _as_written(original, value, match.start(rest_at), word)
        return ASK_FOR_WORD if word in _NO_WORD else word
    for form in (_IS_FORM, _CAN_FORM):
        match = form.match(value)
        if match and form is _IS_FORM and match.group("verb") and not match.group("whose") \
                and not _ONE_WORD.match(_strip_tail(match.group("word"))):
            return None  # "safety word is a good idea": about safety words, not setting one
        if match:
            at = "word" if match.group("word") is not None else "word2"
            word = _candidate(_strip_tail(match.group(at)) or match.group(at))
            return _as_written(original, value, match.start(at), word) if word else None
    for form in (_USE_FORM, _THE_WORD_FORM, _IF_MEANS_FORM, _IF_FORM, _REVERSE_FORM,
                 _BARE_FORM):
        match = form.match(_strip_tail(value))
        if match:
            break
    if match:
        word = _candidate(match.group("word"))
        return _as_written(original, value, match.start("word"), word) if word else None
    return ASK_FOR_WORD if _ASKS_FOR_ONE.search(_strip_tail(value)) else None


def word_hash(conversation_id: str, text: Any) -> str:
    """Keyed hash of a normalised safety word, bound to its conversation."""
    return privacy.keyed_hash("safety-word", conversation_id, normalise(text))


# -------------------------------------------------------------------------------- persistence

_engine = db.engine  # our database, at the migrations' head


def _get(session: Session, conversation_id: str) -> Optional[SafetyWord]:
    return session.execute(
        select(SafetyWord).where(SafetyWord.conversation_id == conversation_id)
    ).scalar_one_or_none()


def set_word(conversation_id: str, word: str, db_url: Optional[str] = None) -> None:
    """Store (the hash of) a person's safety word, replacing any earlier one."""
    with Session(_engine(db_url)) as session, session.begin():
        row = _get(session, conversation_id) or SafetyWord(conversation_id=conversation_id)
        row.word_hash = word_hash(conversation_id, word)
        row.awaiting_word = False
        row.updated_at = time.time()
        session.add(row)


def set_awaiting(conversation_id: str, awaiting: bool, db_url: Optional[str] = None) -> None:
    with Session(_engine(db_url)) as session, session.begin():
        row = _get(session, conversation_id) or SafetyWord(conversation_id=conversation_id)
        row.awaiting_word = awaiting
        row.updated_at = time.time()
        session.add(row)


@dataclass(frozen=True)
class WordState:
    word_hash: Optional[str] = None
    awaiting_word: bool = False
    updated_at: float = 0.0

    def waiting_for_word(self, now: Optional[float] = None) -> bool:
        """True while a "set a safety word" request is waiting for its word."""
        age = (now if now is not None else time.time()) - self.updated_at
        return self.awaiting_word and age < AWAIT_SECONDS


def state(conversation_id: str, db_url: Optional[str] = None) -> WordState:
    table = SafetyWord.__table__
    with _engine(db_url).connect() as connection:
        row = connection.execute(
            select(table.c.word_hash, table.c.awaiting_word, table.c.updated_at)
            .where(table.c.conversation_id == conversation_id)
        ).first()
    if row is None:
        return WordState()
    return WordState(row.word_hash, bool(row.awaiting_word), float(row.updated_at or 0))


def is_safety_word(conversation_id: str, text: Any, db_url: Optional[str] = None,
                   current: Optional[WordState] = None) -> bool:
    """True for a default exit word or this conversation's own safety word."""
    if is_exit_word(text):
        return True
    value = normalise(text)
    if not value:
        return False
    current = current or state(conversation_id, db_url)
    return current.word_hash is not None and current.word_hash == word_hash(
        conversation_id, value)


# ----------------------------------------------------------------------------------- the gate

@dataclass(frozen=True)
class Screened:
    """The replies to send instead of Rasa's; `erased` after a safety or exit word."""

    replies: list[dict[str, Any]]
    erased: bool = False


def _reply(text: str, erased: bool = False) -> Screened:
    return Screened([{"text": text}], erased)


def screen_sync(conversation_id: str, text: Any, *,
                tracker_url: Optional[str] = None, db_url: Optional[str] = None
                ) -> Optional[Screened]:
    """The blocking part of ``screen()``; see there."""
    current = state(conversation_id, db_url) if normalise(text) else WordState()
    if is_safety_word(conversation_id, text, db_url, current):
        privacy.erase(conversation_id, tracker_url=tracker_url, db_url=db_url)
        stats.count([("safety", "safety_word")], db_url=db_url)
        return _reply(neutral_reply(), erased=True)
    given = word_in_message(text)
    if given is ASK_FOR_WORD:
        set_awaiting(conversation_id, True, db_url)
        return _reply(PROMPT)
    if given is not None:
        return _take_word(conversation_id, given, current, db_url)
    if current.waiting_for_word():
        value = normalise(text)
        if danger.in_danger(value) or len(value.split()) > MAX_WORDS:
            # Not a word: "he's outside with a knife" after "set a safety word" became the
            # word, with no 999. Danger, or anything longer than a short phrase (which the
            # model, not the lexicon, may read as danger: "i'm being beaten"), goes on to
            # Rasa, and the request ends, so the message after it is not taken as the word.
            set_awaiting(conversation_id, False, db_url)
            return None
        return _take_word(conversation_id, text, current, db_url)
    if is_set_command(text):
        set_awaiting(conversation_id, True, db_url)
        return _reply(PROMPT)
    return None


def _take_word(conversation_id: str, word: Any, current: WordState,
               db_url: Optional[str]) -> Screened:
    """Set a safety word (given in one message, or the answer to the prompt), or say why it
    can't be one; a refusal ends a waiting request."""
    problem = word_problem(word)
    if problem:
        if current.awaiting_word:
            set_awaiting(conversation_id, False, db_url)
        return _reply(problem)
    set_word(conversation_id, word, db_url)
    words = ", ".join(f'"{w}"' for w in sorted(exit_words()))
    return _reply(CONFIRMED.format(exit_words=words))


async def screen(conversation_id: str, text: Any, *,
                 tracker_store: Any = None, lock_store: Any = None,
                 tracker_url: Optional[str] = None,
                 db_url: Optional[str] = None) -> Optional[Screened]:
    """Check a message before Rasa: the replies to send instead of Rasa's, or None.

    ``conversation_id`` is the pseudonymous sender id (privacy.pseudonymise). Pass the Rasa
    agent's ``tracker_store`` (or a ``tracker_url``) so erasure hits the store Rasa uses,
    and its ``lock_store`` so erasure waits for a message of this conversation in flight.
    Reply dicts hold only "text"; channels add their own recipient fields.
    """
    if tracker_url is None and tracker_store is not None:
        tracker_url = privacy.tracker_url_from_store(tracker_store)
    kwargs = {"tracker_url": tracker_url, "db_url": db_url}

    async def checked() -> Optional[Screened]:
        screened = await asyncio.to_thread(screen_sync, conversation_id, text, **kwargs)
        if screened is not None and screened.erased:
            privacy.forget_in_memory(conversation_id, tracker_store)
        return screened

    if lock_store is None:
        return await checked()
    async with lock_store.lock(conversation_id):
        return await checked()
