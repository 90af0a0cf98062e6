"""Setting a safety word in one message ("my safety word is bluebell"), with real SQLite."""
from __future__ import annotations

import pytest

from helpline import danger
from helpline import safety_words as sw


@pytest.fixture
def stores(tmp_path) -> dict[str, str]:
    return {"db_url": f"sqlite:///{tmp_path / 'ours.db'}",
            "tracker_url": f"sqlite:///{tmp_path / 'tracker.db'}"}


ONE_MESSAGE = [
    ("my safety word is bluebell", "bluebell"),
    ("my code word is snowdrop", "snowdrop"),
    ("My Safety Word Is \"Bluebell\".", "bluebell"),
    ("my safe word is 'copper kettle' thanks", "copper kettle"),
    ("set my safe word to teacakes", "teacakes"),
    ("Set my safe word to “teacakes” please!", "teacakes"),
    ("can my safe word be kestrel", "kestrel"),
    ("Could my safety word be kestrel?", "kestrel"),
    ("safety word: bluebell", "bluebell"),
    ("Safety word - blue umbrella", "blue umbrella"),
    ("safeword = tango", "tango"),
    ("make my safe word marmalade sky please", "marmalade sky"),
    ("i want to set a safety word: bluebell", "bluebell"),
    ("I'd like to set my safety word to kestrel, thank you", "kestrel"),
    ("please can you change my safety word to otter", "otter"),
    ("i want my safe word to be teacakes", "teacakes"),
    ("my new safe word is 7788", "7788"),
    ("my safety word’s bluebell", "bluebell"),
    ("use bluebell as my safety word", "bluebell"),
    ("make teacakes my safe word", "teacakes"),
    ("set safety word   Bluebell", "bluebell"),
    ("ＭＹ ＳＡＦＥＴＹ ＷＯＲＤ ＩＳ ＢＬＵＥＢＥＬＬ", "bluebell"),  # full-width letters
    ("can i have a safe word? penguin", "penguin"),
    ("Could I get a safety word please: red kite", "red kite"),
    ("if i say crumpet thats my safety word", "crumpet"),
    ("If I type 'otter', that's my safe word", "otter"),
    ("bluebell is my safe word", "bluebell"),
    ("blue umbrella will be my safety word", "blue umbrella"),
    ("safe word is custard", "custard"),
    # dev14.yml and dev15.yml
    ("i want a safe word, lets say seagull", "seagull"),
    ("can i have a code word, use lighthouse", "lighthouse"),
    ("can i set a code word, its pancakes", "pancakes"),
    ("I would like to set a code word. It is Rosemary.", "rosemary"),
    ("I'd like the word to be seagull", "seagull"),
    ("if i type raining it means i cant talk, can that be my safe word?", "raining"),
    ("if i text the word umbrella can that mean i need you to stop messaging", "umbrella"),
    ("If I type BANANA can you stop and pretend it's a shop chat?", "banana"),
    ("let's use seagull as the word", "seagull"), ("can the word be 'kettle'", "kettle"),
    ("I want to set a word. it's 'giraffe'", "giraffe"),
    ("use 'Tuesday' as my code please", "tuesday"),
    ("my word will be 'hedgehog'. if I send it stop messaging", "hedgehog"),
    ("can I have 'parsnip' as a code word", "parsnip"),
    ("pick 'sunflower' as my word please", "sunflower"),
    # the word ends at a sentence break, so sending it alone later works
    ("my safety word is bluebell. if i send it stop messaging", "bluebell"),
    ("my safe word is bluebell, thanks so much", "bluebell"),
]


@pytest.mark.parametrize("message,word", ONE_MESSAGE)
def test_one_message_forms_give_the_word(message: str, word: str) -> None:
    assert sw.word_in_message(message) == word


@pytest.mark.parametrize("message", [
    "i want to set a safety word", "set my safe word please", "set my safe word to",
    "I wanna change my safe word", "change my safety word because he saw it",
    "set a safety word for me", "could i set a safety word?",
    # dev14.yml and dev15.yml: asking for one without giving it gets the same question back
    "how do i set a safety word", "i want a safe word", "can i have a safe word?",
    "i want a code word so you know if he comes in", "safety word please",
    "can we agree a word so if i type it you know someone has come in",
    "whats the safe word thing, i want one", "can i have my safe word changed",
])
def test_a_request_without_a_word_asks_for_one(message: str) -> None:
    assert sw.word_in_message(message) is sw.ASK_FOR_WORD


@pytest.mark.parametrize("message", [
    "my safe word is not working", "what is my safety word", "i need a word with you",
    "safety word is a good idea", "safety word is what?", "my safe word's gone",
    "safety word is important", "safe word is 1234",
    "he knows my safety word", "my safety word", "hello", "what is a safety word",
    "set a safety word",  # the two-step command itself, handled as before
    "this is my safety word", "what is my safe word", "whats my safety word",
    "the thing i worry about most is my safety word", "my word is final", "the word is out",
    "i give you my word", "set a word count", "if i say anything weird it means hes there",
    "if i forget it what happens to my safety word",
    "", "   ", None, 42,
])
def test_other_messages_are_not_one_message_requests(message: object) -> None:
    assert sw.word_in_message(message) is None


def test_one_message_sets_the_word_and_it_erases(stores: dict[str, str]) -> None:
    cid = "one-1"
    reply = sw.screen_sync(cid, "My safety word is \"Bluebell\" please", **stores)
    assert reply is not None and not reply.erased
    assert reply.replies[0]["text"].startswith("Your safety word is set")
    assert "bluebell" not in reply.replies[0]["text"].lower()
    current = sw.state(cid, stores["db_url"])
    assert current.word_hash == sw.word_hash(cid, "bluebell") and not current.awaiting_word
    assert sw.screen_sync(cid, "hello", **stores) is None  # not waiting for a word
    assert sw.screen_sync(cid, " BLUEBELL ", **stores) == sw.Screened(
        [{"text": sw.neutral_reply()}], erased=True)
    assert sw.state(cid, stores["db_url"]) == sw.WordState()


def test_a_new_word_in_one_message_replaces_the_old(stores: dict[str, str]) -> None:
    sw.screen_sync("one-2", "safety word: bluebell", **stores)
    sw.screen_sync("one-2", "set my safe word to teacakes", **stores)
    assert not sw.is_safety_word("one-2", "bluebell", stores["db_url"])
    assert sw.is_safety_word("one-2", "teacakes", stores["db_url"])


@pytest.mark.parametrize("message,expected", [
    ("my safety word is STOP", sw.REFUSED_RESERVED.format(word="STOP")),
    ("set my safe word to help please", sw.REFUSED_RESERVED.format(word="HELP")),
    ("safety word: " + "x" * 41, sw.REFUSED_INVALID.format(max=sw.MAX_WORD_LENGTH)),
    ("can my safe word be !!!?", None),  # no letters: not a request at all (goes to Rasa)
    ("my safety word is exit", sw.REFUSED_EXIT.format(word="EXIT")),
    ("make my safe word quick exit", sw.REFUSED_EXIT.format(word="QUICK EXIT")),
])
def test_problems_get_the_same_replies_as_the_two_step_way(
        stores: dict[str, str], message: str, expected: str | None) -> None:
    reply = sw.screen_sync("one-3", message, **stores)
    if expected is None:
        assert reply is None
        return
    assert reply == sw.Screened([{"text": expected}])
    assert sw.state("one-3", stores["db_url"]).word_hash is None
    # The two-step way refuses the same word with the same reply.
    sw.screen_sync("one-4", "set a safety word", **stores)
    word = sw.word_in_message(message)
    if sw.is_exit_word(word):  # an exit word on its own erases, as it always has
        return
    # "help" alone is read as danger: it goes on to Rasa, whose first reply is 999.
    expected_two_step = None if danger.in_danger(word) else reply
    assert sw.screen_sync("one-4", word, **stores) == expected_two_step


def test_exit_words_follow_the_configuration(stores: dict[str, str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_EXIT_WORDS", "pineapple")
    assert sw.word_problem("exit") is None
    assert "PINEAPPLE" in sw.word_problem("Pineapple")


def test_one_message_answers_a_waiting_request(stores: dict[str, str]) -> None:
    cid = "one-5"
    assert sw.screen_sync(cid, "set a safety word", **stores).replies[0]["text"] == \
        sw.PROMPT
    reply = sw.screen_sync(cid, "my safe word is kestrel", **stores)
    assert reply.replies[0]["text"].startswith("Your safety word is set")
    assert sw.is_safety_word(cid, "kestrel", stores["db_url"])
    assert not sw.is_safety_word(cid, "my safe word is kestrel", stores["db_url"])


def test_a_request_without_a_word_starts_the_two_step_way(stores: dict[str, str]) -> None:
    cid = "one-6"
    assert sw.screen_sync(cid, "i want to set a safety word", **stores) == sw.Screened(
        [{"text": sw.PROMPT}])
    assert sw.screen_sync(cid, "Otter", **stores).replies[0]["text"].startswith(
        "Your safety word is set")
    assert sw.is_safety_word(cid, "otter", stores["db_url"])


def test_the_word_is_stored_only_as_a_hash(stores: dict[str, str], tmp_path) -> None:
    sw.screen_sync("one-7", "my safety word is zebracrossing", **stores)
    assert b"zebracrossing" not in (tmp_path / "ours.db").read_bytes()


def test_quotes_inside_the_word_are_kept_as_written(stores: dict[str, str]) -> None:
    """Curly quotes around the word go; an apostrophe inside it stays as typed, so the word
    sent later on its own matches."""
    assert sw.word_in_message("my safety word is ‘o’malley’") == "o’malley"
    sw.screen_sync("one-8", "set my safe word to “O’Malley”", **stores)
    assert sw.is_safety_word("one-8", "O’Malley", stores["db_url"])


@pytest.mark.parametrize("message", [
    "my safe word is bluebell hes outside", "safety word: bluebell, he's got a knife",
    "i want to change my safety word because he is coming back",
])
def test_a_request_that_also_shows_danger_goes_on_to_rasa(stores: dict[str, str],
                                                          message: str) -> None:
    """Rasa's first reply to danger is the 999 one; nothing is set or asked here."""
    assert sw.word_in_message(message) is None
    assert sw.screen_sync("one-9", message, **stores) is None
    assert sw.state("one-9", stores["db_url"]) == sw.WordState()


@pytest.mark.parametrize("message", [
    "lets make the safe word tangerine", "put my safety word as tangerine",
    "safety word tangerine", "tangerine = safe word", "the word tangerine is my safe word",
    "i want tangerine as my safe word", "use the word tangerine as my safe word",
    "set a safe word please, tangerine", "i choose tangerine for my safe word",
])
def test_more_everyday_forms_give_the_word_alone(message: str) -> None:
    assert sw.word_in_message(message) == "tangerine"


@pytest.mark.parametrize("message", ["safety word please", "my safety word works",
                                     "safety word reset", "safe word again"])
def test_a_bare_form_never_takes_an_ordinary_word(message: str) -> None:
    assert sw.word_in_message(message) in (None, sw.ASK_FOR_WORD)


@pytest.mark.parametrize("message", [
    "he's outside with a knife", "help me please he is hitting me", "knife", "help",
    "i'm being beaten", "he set the house on fire",
    "i dont know what to do anymore",  # a sentence, not a word: Rasa reads it
])
def test_danger_after_set_a_safety_word_is_not_taken_as_the_word(stores: dict[str, str],
                                                                 message: str) -> None:
    """Two-step: after "set a safety word", a message showing danger, or a sentence (the
    model may read danger the lexicon misses), goes on to Rasa (999 first for danger), is
    never set as the word, and ends the request (the next message is not taken as the word
    either). Danger used to become the word, with no 999."""
    conversation = f"two-step-{abs(hash(message))}"
    assert sw.screen_sync(conversation, "set a safety word", **stores) is not None
    assert sw.screen_sync(conversation, message, **stores) is None
    assert not sw.is_safety_word(conversation, message, stores["db_url"])
    assert sw.screen_sync(conversation, "bluebell", **stores) is None, "no longer waiting"
    assert not sw.is_safety_word(conversation, "bluebell", stores["db_url"])
