"""The reading of one message: who is writing, circumstances, age, language, and the routes.

These call `helpline.understanding` with the intent the model might give, including wrong
ones, to pin down the rules that keep a wrong guess from doing harm.
"""
from __future__ import annotations

import pytest

from helpline.danger import normalise
from helpline.understanding import (
    CLARIFY,
    CONCERNED,
    OWN,
    VICTIM,
    YOUNG,
    Reading,
    circumstances,
    cues,
    describes_situation,
    is_other_language,
    plain_question,
    read,
    routes,
)

ENGLISH = {"my", "husband", "hits", "me", "he", "is", "and", "i", "the", "a", "to", "help"}

# Look-alike pairs: the same words, opposite situations. Each side is read with the intent the
# model gave it in the run that found the problem, and with the opposite one.
PAIRS = [
    ("im scared of him", VICTIM, "hes scared of me", OWN),
    ("i hit him back when he went for me", VICTIM, "i hit her last night", OWN),
    ("she says im the abuser because i shouted back", VICTIM, "im the abuser, i know it", OWN),
    ("he hits me and ive hit him back once just to get him off me", VICTIM,
     "i hit my girlfriend", OWN),
    ("my wife is scared of me", OWN, "i'm scared of my wife", VICTIM),
    ("he says i'm the controlling one because i fought back", VICTIM,
     "i think i'm too controlling", OWN),
    ("my wifes dad lives with us and i think he hits her", CONCERNED,
     "i think i hit her harder than i meant to", OWN),
    ("he put a tracker on my car", VICTIM, "i put a tracker on my wifes car", OWN),
    ("i have to ask him before i buy anything", VICTIM,
     "my partner has to ask me before she buys anything", OWN),
    # The adversarial run: a threat by the writer got the Men's Advice Line.
    ("i think he is going to kill me tonight", VICTIM, "i'm going to kill her tonight", OWN),
]


@pytest.mark.parametrize("victim_text, victim_role, own_text, own_role", PAIRS)
@pytest.mark.parametrize("intent", ["victim", "own_behaviour"])
def test_look_alike_pairs_are_never_sent_the_wrong_way(victim_text: str, victim_role: str,
                                                       own_text: str, own_role: str,
                                                       intent: str) -> None:
    for text, role in ((victim_text, victim_role), (own_text, own_role)):
        got = read(text, intent).role
        wrong = OWN if role == VICTIM else VICTIM
        assert got != wrong, (text, intent, got)
        if intent == ("own_behaviour" if role == OWN else "victim"):
            assert got == role, (text, intent, got)


@pytest.mark.parametrize("text", [
    "I'm scared of my husband", "my OH keeps telling me I'm going mad",
    "is it my fault he gets angry?", "my neighbour has her kids shouting stop hitting mummy",
])
def test_the_perpetrator_route_needs_the_writers_own_words(text: str) -> None:
    """Even when the model says own_behaviour, without "I hit her"-like words it is not."""
    assert read(text, "own_behaviour").role != OWN


@pytest.mark.parametrize("text", [
    "we hit each other all the time", "we're as bad as each other tbh",
    "me and my partner fight, like proper fight, both of us",
])
def test_unclear_who_harms_whom_asks(text: str) -> None:
    assert read(text, "victim").role == CLARIFY
    assert routes(read(text, "victim")) == [CLARIFY]


def test_a_stated_age_under_18_always_brings_childline() -> None:
    for text, intent in [("im 15 and my dad hits my mum", "victim"),
                         ("17, my mum's new partner controls us both", "concerned_other"),
                         ("im 16 and i hit my girlfriend", "own_behaviour")]:
        reading = read(text, intent)
        assert reading.age is not None and reading.age < 18
        assert "childline" in routes(reading), text


def test_being_accused_of_hitting_is_asked_about_not_taken_as_a_confession() -> None:
    reading = read("my wife says shell tell the police i hit her", "own_behaviour")
    assert reading.role == CLARIFY


def test_a_false_report_threatened_to_stop_someone_leaving_is_abuse_of_the_writer() -> None:
    for text in ("my wife says shell tell the police i hit her if i leave",
                 "father of 3, wife says shell tell social services i hurt the kids if i ever "
                 "leave"):
        reading = read(text, "own_behaviour")
        assert reading.role == VICTIM, text
        assert "male" in reading.circumstances, text


def test_a_man_harmed_by_a_woman_partner_is_read_as_a_man() -> None:
    for text in ("the missus takes my whole wage the day it lands and gives me 20 quid",
                 "she threw her phone at me mid row, told the lads at work i walked into a door",
                 "wife scratched my face up and when police came they took me in instead"):
        assert "male" in read(text, "victim").circumstances, text
    # a woman, another woman, or a man as the one who harms: no Men's Advice Line
    for text in ("my mum takes my wages and she screams at me",
                 "lesbian couple, shes got all our money in her account",
                 "im a woman and my girlfriend hits me",
                 "my husband takes my wages and his sister helps him"):
        assert "male" not in read(text, "victim").circumstances, text


def test_everyday_control_in_the_writers_own_words_is_their_behaviour() -> None:
    for text in ("i tell her what to wear before we go out, if she doesnt change i dont go",
                 "i still log into her facebook to read her messages",
                 "ive told her if she leaves ill tell the home office",
                 "im 24 and ive been hitting my mum when she wont give me money",
                 "my little boy saw me shove his mum last night",
                 "she says im controlling and tbh shes right. i go thru her phone",
                 "i think i'm the abusive one in my relationship"):
        assert read(text, "own_behaviour").role == OWN, text
    # the same words about someone else's programme are not a confession
    reading = read("social worker says my ex has to do a perpetrator programme before he sees "
                   "our daughter", "own_behaviour")
    assert reading.role != OWN


def test_harm_told_plainly_is_read_as_a_victim_not_asked_about() -> None:
    for text in ("she threw her phone at me mid row",
                 "he grabbed my arm when i tried to walk off",
                 "just found out theres a loan in my name i never took out",
                 "i have to show him every receipt or hes angry for days"):
        assert read(text, "own_behaviour").role == VICTIM, text


def test_a_child_who_signs_off_with_their_age_or_school_year_is_a_young_person() -> None:
    for text in ("my uncle lives with us and he hits me when mum is at work. 13",
                 "my dad keeps turning up at my school and hes not supposed to. 14 nearly 15",
                 "my parents are always screaming at each other. year 8",
                 "just turned fifteen and my boyfriend is 19",
                 "my parents are shouting downstairs right now and i heard something smash. "
                 "im upstairs with my sister",
                 "dad tracks me on life360, if im 1 min late i get hit. im 14",
                 "im a 16 yr old boy and my dad beats me and my mum",
                 "year 9. my dad locks me in my room when hes angry"):
        reading = read(text, "victim")
        assert "childline" in routes(reading), text
    assert read("my son is a 16 year old and his stepdad hits him", "victim").age is None


def test_a_child_asked_who_is_who_still_gets_childline() -> None:
    for text in ("fourteen, my mums partner and her go for each other every night",
                 "im fourteen and me and my boyfriend hit each other"):
        reading = read(text, "victim")
        assert reading.age == 14 and reading.role == CLARIFY
        assert routes(reading) == [CLARIFY, "childline"], text


def test_childline_takes_the_place_of_the_children_route_and_frees_its_room() -> None:
    young = Reading(YOUNG, ("children", "family", "tech", "money", "stalking"), age=15)
    assert routes(young) == [YOUNG, "family", "tech", "money", "stalking", "childline"]
    adult = Reading(VICTIM, ("children", "family"))
    assert routes(adult) == [VICTIM, "children", "family"]


def test_a_girl_or_woman_with_a_girlfriend_is_lgbt_not_male() -> None:
    for text in ("im a 16 year old girl and my girlfriend hits me when shes angry",
                 "im 14 and my mums girlfriend hits her when shes drunk"):
        reading = read(text, "young_person")
        assert reading.role == YOUNG and "lgbt" in reading.circumstances, text
        assert "male" not in reading.circumstances, text


def test_horrible_to_both_of_us_is_not_a_fight_between_two() -> None:
    assert read("im 14, my mums partner is horrible to both of us", "victim").role == YOUNG


def test_the_models_young_guess_alone_keeps_childline_but_not_the_role() -> None:
    reading = read("we had a row and he pushed me", "young_person")
    assert reading.role == VICTIM and "childline" in routes(reading)


@pytest.mark.parametrize("text, intent, expected", [
    ("gay lad here, my boyfriend strangled me last week", "danger", {"male", "lgbt"}),
    ("my uncle said he will kill me for bringing shame on the family name", "danger",
     {"forced_marriage", "family"}),
    ("my manager keeps touching me in the stockroom", "victim", {"sexual_violence"}),
    ("im a man and another man raped me", "sexual_violence", {"male", "sexual_violence"}),
    ("my partner won't let me see my friends and takes my wages", "victim", {"money"}),
    ("he took out loans in my name", "victim", {"money"}),
    ("i gave up work and have to beg him for nappy money", "victim", {"money", "children"}),
    ("he put a tracker on my car and reads my messages", "victim", {"tech", "stalking"}),
    ("i'm on a spouse visa and he says he'll get me deported", "victim", {"immigration"}),
    ("he kicked me out, i have nowhere to go tonight", "victim", {"safe_tonight"}),
    ("my son is 24 and he pushes me about and takes money out my purse", "victim",
     {"family", "money"}),
    ("im in stretford with my 2 boys and hes at the pub", "victim", {"children"}),
    ("ive left and taken my son, he doesnt know where we are", "victim", {"children"}),
    ("hes outside the refuge. he found me", "danger", {"stalking", "safe_tonight"}),
    ("she poured boiling water on my arm. im 19 and its my mum", "danger", {"family"}),
    ("theyve told me to be gone by tonight", "victim", {"safe_tonight"}),
    ("been sofa surfing for 2 weeks since i left him", "victim", {"safe_tonight"}),
    ("he grabbed me. we're both blokes and he says we just get physical", "victim", {"lgbt"}),
    ("every time i block my ex he texts from a new number", "victim", {"tech", "stalking"}),
    ("he forces himself on me when hes been drinking", "victim", {"sexual_violence"}),
    ("hes in the car park at my work waiting for me", "danger", {"stalking"}),
    ("my ex drives past mine every night", "victim", {"stalking"}),
    ("my ex just got on the same train as me", "danger", {"stalking"}),
    ("my ex keeps checking my snap map", "victim", {"stalking", "tech"}),
    ("my ex keeps making new tiktok accounts to comment on my videos", "victim",
     {"stalking", "tech"}),
    ("he still has the login for the car app so he can see where the car is", "victim",
     {"stalking", "tech"}),
    ("ex has been posting my address on facebook groups", "victim", {"stalking", "tech"}),
    ("found a gps thing stuck in my pram", "victim", {"stalking", "tech", "children"}),
    ("my husband put the mortgage arrears on me", "victim", {"money"}),
    ("my son has taken over my pension and bank", "victim", {"money", "family"}),
])
def test_every_circumstance_in_one_message(text: str, intent: str, expected: set[str]) -> None:
    reading = read(text, intent)
    assert expected <= set(reading.circumstances), reading
    assert reading.role == VICTIM


def test_a_man_raped_by_a_man_gets_rape_crisis_not_only_the_mens_line() -> None:
    assert "sexual_violence" in routes(read("im a man and another man raped me", "male_victim"))


def test_someone_worried_about_a_friend() -> None:
    reading = read("my friend's husband hits her", "victim")
    assert reading.role == CONCERNED


def test_own_behaviour_gets_no_victim_routes() -> None:
    reading = read("i'm a bloke and i hit my wife and take her wages", "own_behaviour")
    assert routes(reading) == [OWN]


def test_danger_comes_first_and_routes_are_capped_to_fit_a_screen() -> None:
    reading = Reading(VICTIM, ("male", "lgbt", "sexual_violence", "stalking", "money", "tech"))
    labels = routes(reading, danger=True)
    assert labels[:2] == ["danger", VICTIM] and len(labels) == 2 + 4


def test_blamed_without_a_reason_asks_rather_than_reassures() -> None:
    assert read("my gf says i'm abusive", "victim").role == CLARIFY


def test_young_person_role() -> None:
    assert read("im in year 9 and my step dad hits me", "victim").role == YOUNG


@pytest.mark.parametrize("text, other", [
    ("pomocy mój mąż mnie bije", True), ("mera shohar mujhe marta hai", True),
    ("زوجي يضربني", True), ("my husband hits me", False), ("hes gna kil me", False),
    ("ok", False), ("Lichfield", False),
])
def test_other_languages(text: str, other: bool) -> None:
    assert is_other_language(text, ENGLISH | {"gna", "kil", "going", "kill"}) is other


def test_a_message_the_model_thought_was_small_talk_but_describes_a_situation() -> None:
    assert describes_situation(normalise("he tracks my phone and reads all my whatsapps"),
                               "device_safety")
    assert not describes_situation(normalise("how do i delete this chat from my history"),
                                   "device_safety")
    assert not describes_situation(normalise("hiya"), "greet")


def test_reading_round_trips_and_ignores_junk() -> None:
    reading = read("im 15 and my dad hits my mum", "victim")
    assert Reading.from_dict(reading.as_dict()) == reading
    assert Reading.from_dict({"role": "boss", "circumstances": ["nope"], "age": "x"}) == Reading()
    assert Reading.from_dict(None) == Reading()


def test_a_reading_is_plain_json_even_from_numpy_confidences() -> None:
    """The tracker store saves it as JSON: numpy's bool_ once made every save fail."""
    import json

    import numpy

    reading = read("we had a row", "victim",
                   confidences={"young_person": numpy.float64(0.5),
                                "own_behaviour": numpy.float64(0.01)})
    assert reading.maybe_young is True
    json.dumps(reading.as_dict())


@pytest.mark.parametrize("text, intent, role", [
    ("Hi, I'm in year 10 at school and my dad hits my mum", "concerned_other", YOUNG),
    ("my mum and her bf fight every night and ive got my gcses next month", "victim", YOUNG),
    ("year 9 here. my dad goes mad at my mum every weekend", "victim", YOUNG),
    ("my daughter is in year 10 and her dad hits her", "concerned_other", CONCERNED),
    ("i drop the kids at school then he checks my phone", "victim", VICTIM),
])
def test_school_in_the_writers_own_life_means_a_child(text: str, intent: str, role: str) -> None:
    assert read(text, intent).role == role


@pytest.mark.parametrize("text, intent, role", [
    ("is there help for men who are abused by their wives", "male_victim", VICTIM),
    ("is there a group for women who have been raped", "sexual_violence", VICTIM),
    ("any programmes round Stoke for men whove been abusive? self referral", "victim", OWN),
    ("is there a course for men who hit their partners", "victim", OWN),
    ("on bail for assaulting my partner, not allowed back at the house", "victim", OWN),
    ("he is on bail for assaulting me", "victim", VICTIM),
    ("got served with a non mol today", "victim", OWN),
    ("probation want me to do building better relationships", "victim", OWN),
])
def test_asking_for_a_programme_or_being_on_bail_is_own_behaviour_only_when_it_is(
        text: str, intent: str, role: str) -> None:
    assert read(text, intent).role == role


def test_a_partner_asking_about_his_course_is_never_sent_to_respect() -> None:
    text = "my husband says he wants to go on a course for men who are violent to their partners"
    assert read(text, "own_behaviour").role != OWN


@pytest.mark.parametrize("text", [
    "only shoved her, she went back against the door, its not like i hit her",
    "i threatened to tell his mum hes gay if he leaves",
    "i keep telling him hes imagining things when he isnt",
    "ive left her outside in the cold after rows",
    "put an airtag in her handbag",
    "smashed her laptop so she couldnt email anyone",
    "made him sleep in the car cos he embarrassed me",
    "i have been keeping her passport in my drawer",
    "arrested for criminal damage last night, it was her car",
    "police have given me a harassment warning",
    "been parked outside her work most mornings, i just want to talk",
    "i have got a knife in my hand and i need to stop",
    "my counsellor says the way i treat my husband is abusive",
    "the judge says i have to do a course",
    "i go quiet for days to punish her",
])
def test_the_writers_own_harm_in_everyday_words_is_never_reassured(text: str) -> None:
    assert read(text, "victim").role in (OWN, CLARIFY), text


@pytest.mark.parametrize("text", [
    "he threatened to tell my mum im gay", "ive got a non mol on him and he still turns up",
    "he made me sleep in the car", "he has been parked outside my work every morning",
    "he is on bail for hitting me", "he keeps telling me im imagining things",
    "i hit him back when he grabbed me",
])
def test_the_same_words_about_the_other_person_are_never_the_perpetrator_route(
        text: str) -> None:
    assert read(text, "victim").role != OWN, text


def test_a_victim_who_blames_themselves_is_never_sent_to_the_perpetrator_line() -> None:
    # dev5: self-blame, arrests after self-defence, false reports, "he says I'm the abuser"
    for text in ("im on bail for assaulting my boyfriend. he had his hands round my throat and i "
                 "scratched his face to get free",
                 "am i gaslighting him? he says i am. like him holding me against the wall",
                 "ive been kicked out of my own house because he told the police hes scared of me",
                 "cafcass referred me to a perpetrator programme. im the mum. he made it all up",
                 "im so angry all the time. i threw his xbox. hes been at me for 6 years",
                 "he says hes going to end it all tonight if i dont let him in. hes at the door"):
        assert read(text, "own_behaviour").role != OWN, text


def test_self_defence_against_someone_who_never_touched_the_writer_is_not_reassured() -> None:
    for text in ("so i shoved her and she hit her head on the door frame. she never touched me "
                 "but police took me not her. i was defending myself",
                 "when im drunk i go for him. nails, fists, whatever. hes never once hit back"):
        assert read(text, "victim").role not in (VICTIM, YOUNG), text


def test_a_child_in_their_room_while_a_parent_is_hurt_gets_childline() -> None:
    reading = read("what do i do if my dad is hitting my mum. im in my room rn and its gone quiet",
                   "concerned_other")
    assert "childline" in routes(reading)
    reading = read("my boyfriend goes to the college across the road from my school", "victim")
    assert "childline" in routes(reading)


def test_harm_to_her_is_the_writers_own_when_the_writer_is_its_subject() -> None:
    sure = {"own_behaviour": 1.0}
    assert read("i keep making her cry. shouting at her over nothing", "own_behaviour",
                confidences=sure, own_writer=1.0).role == OWN
    assert read("ive been vile to my mum, screaming at her", "own_behaviour",
                confidences=sure, own_writer=1.0).role == OWN
    assert read("my brother keeps shouting at her and she wont leave", "own_behaviour",
                confidences=sure, own_writer=1.0).role == CLARIFY


def test_things_taken_or_hidden_by_a_partner_are_harm_to_the_writer() -> None:
    text = "my partner has hidden the key to my mobility scooter again. i feel like a prisoner"
    assert read(text, "own_behaviour", confidences={"own_behaviour": 0.99}).role != OWN


def test_a_sure_model_reads_the_writers_own_acts_without_the_word_i() -> None:
    for text in ("snapped her glasses and chucked her phone in the canal so she couldnt leave",
                 "wanna change. been a horrible husband. hit her twice this year"):
        assert read(text, "own_behaviour", confidences={"own_behaviour": 0.99},
                    own_writer=0.9).role == OWN
    # not when the message is about a friend's or relative's partner
    assert read("my sisters new bf hit her. can i find out if he has a record",
                "own_behaviour", confidences={"own_behaviour": 0.99}).role != OWN


def test_what_he_or_she_says_about_the_writer_is_blame_only_when_it_is_blame() -> None:
    assert read("my wife is stood over me while i type this. she says im not allowed to leave "
                "the chair", "victim").role == VICTIM
    assert read("he says i started it and im the abusive one", "victim").role == CLARIFY


def test_the_writers_own_control_in_plain_words() -> None:
    for text in ("Im 45 and my mum lives with me. I take her pension off her",
                 "i ring her constantly when shes at work, like 30 times",
                 "ive taken loans out in my girlfriends name without telling her"):
        assert read(text, "own_behaviour", confidences={"own_behaviour": 0.8}).role == OWN, text
    assert read("he took loans out in my name", "victim").role == VICTIM


def test_someone_seen_or_heard_by_the_writer_is_someone_else() -> None:
    for text in ("my colleague comes in with bruises and says she fell again",
                 "my sister just texted me hes got a knife and now she wont answer"):
        assert read(text, "victim").role == CONCERNED, text
    assert read("i woke up with bruises on my arms again", "victim").role == VICTIM


def test_a_charge_against_someone_else_is_not_the_writers_own() -> None:
    text = "my sisters new bf has been done for hitting his ex. can i find out if he has a record"
    assert read(text, "own_behaviour", confidences={"own_behaviour": 0.99}).role != OWN
    assert read("had a dvpo served on me last night, can i get my work stuff from the house",
                "victim").role != VICTIM


def test_fear_is_the_writers_unless_someone_else_is_its_subject() -> None:
    assert read("my mum is 78 and my brother moved back in. shes scared of him",
                "victim").role == CONCERNED
    assert read("hes got a knife. scared of him", "victim").role == VICTIM
    assert read("im scared of my husband", "victim").role == VICTIM


@pytest.mark.parametrize("text", [
    "im a man and my wife has just stabbed me in the arm with a fork and shes still going",
    "im a lad and my bf has got me in a headlock right now saying nobody will believe a man",
    "im on a student visa and my boyfriend has my passport and wont give it back",
    "my husband says hell kill me tonight for bringing shame on his family",
    "shes coming round with her brothers tonight to sort me out",
])
def test_the_writer_describing_themself_or_the_abusers_family_is_not_someone_else(
        text: str) -> None:
    assert read(text, "victim").role == VICTIM


@pytest.mark.parametrize("text", [
    "my friend just texted help hes going to kill me and now shes not answering",
    "my daughter told me her dad hits his new girlfriend when shes there at weekends",
    "turned up at her mums at 2am banging on the door, her dad rang the police",
])
def test_someone_elses_words_or_family_make_it_about_someone_else(text: str) -> None:
    assert read(text, "victim").role != VICTIM


def test_the_school_run_is_a_parents_not_a_childs() -> None:
    for text in ("he waits for me outside school every day when i do the school run",
                 "i drop my little boy at school then he follows me"):
        reading = read(text, "victim")
        assert reading.role == VICTIM and not reading.maybe_young, text
    for text in ("my girlfriend hits me in front of people. shes in my tutor group",
                 "my mum hits me with whatevers near. my pe teacher saw the marks"):
        assert read(text, "victim").role == YOUNG, text


def test_a_parent_reading_a_childs_messages_is_family_abuse() -> None:
    assert "family" in read("my dad reads all my messages and takes my phone", "victim"
                            ).circumstances


@pytest.mark.parametrize("text, intent", [
    ("threw me out in my nightie, phone on 8%, no shoes, its raining. what do i do", "victim"),
    ("shes come at me with the hoover pole and shes not stopping", "danger"),
    ("wife is kicking off, shes cut me with a glass. im sat in the car", "danger"),
    ("girlfriend just threw a glass at my head and shes still going", "danger"),
    ("ive left with just my handbag, where do i go", "want_to_leave"),
    ("bf said when we get home im getting it", "victim"),
    ("he says if i want him to keep paying for nappies i have to sleep with him", "victim"),
    ("she controls all the money and i have to ask for my own wages", "own_behaviour"),
    ("he says im the abusive one. now im not allowed my bank card", "victim"),
    ("she told the police i pushed her. she was blocking me in and punching my chest",
     "danger"),
    ("i want to leave but hes got the kids thinking im the bad one", "want_to_leave"),
    ("my husband stopped me going to my english class", "own_behaviour"),
    ("hes been rough with me, not the kids", "own_behaviour"),
    ("he said hes abusive to me?? ive got bruises on my arms from him right now", "own_behaviour"),
    ("i lock myself in the bathroom when she kicks off", "own_behaviour"),
    ("can i get a non molestation order without a solicitor", "own_behaviour"),
    ("he keeps saying hell send the pics i sent him to my wife", "own_behaviour"),
    ("he says hell tell the home office our marriage is fake. i just want him to stop",
     "own_behaviour"),
])
def test_harm_to_the_writer_in_plain_words_is_never_the_perpetrator_route(
        text: str, intent: str) -> None:
    reading = read(text, intent, confidences={OWN: 0.45})
    assert reading.role == VICTIM, reading
    assert OWN not in routes(reading)


@pytest.mark.parametrize("text", [
    "i got arrested for hitting my girlfriend. out on bail now",
    "im 24 and ive been hitting my mum when she wont give me money",
])
def test_the_writers_own_hitting_is_not_harm_to_them(text: str) -> None:
    assert read(text, "own_behaviour", confidences={OWN: 0.9}).role != VICTIM


def test_a_child_before_or_after_school() -> None:
    reading = read("my step dad drinks and hits my mum and im scared to go home after school",
                   "young_person")
    assert reading.role == YOUNG


@pytest.mark.parametrize("text", [
    "i drove like a maniac with her and the kids in the car to scare her",
    "raised the back of my hand at my wife in front of the kids",
    "ive started shouting at the missus the exact way my dad did",
    "i barely touched her honestly, a little shove on the stairs",
    "i sleep on the sofa and i make it uncomfortable for her",
    "kicked the bathroom door in when she locked herself in",
    "i hit my 17 year old when he stood up for his mum",
    "pushed my mum earlier. im 19. i feel horrible",
    "been taking it out on my wife since i got back, hit her last week",
    "got a caution for assaulting my ex. i want to make sure i never do it again",
    "im on bail for abh and my mrs wants me back home",
])
def test_the_writers_own_acts_in_everyday_words(text: str) -> None:
    for intent in ("own_behaviour", "victim"):
        reading = read(text, intent, confidences={OWN: 0.6})
        assert reading.role in (OWN, CLARIFY), (intent, reading)
    assert read(text, "own_behaviour", confidences={OWN: 0.6}).role == OWN


@pytest.mark.parametrize("text", [
    "he drove like a maniac with me in the car to scare me",
    "he raised his hand at me in front of the kids",
    "he kicked the door in when i locked myself in",
    "he got a caution for assaulting me but he's still texting",
])
def test_the_same_acts_done_to_the_writer_are_not_theirs(text: str) -> None:
    assert read(text, "victim", confidences={OWN: 0.05}).role == VICTIM


# The writer's own acts in words the model or the patterns missed, each found by a dev set
# written by someone who never saw the code, with the intent the model gave or might give.
OWN_ACTS = [
    # dev7.yml, first run: each read as a victim with the model sure of it
    ("my wife says she feels sick when she hears my van. yeah i do go off on one when i get in",
     "victim"),
    ("im 19 and i keep beating up my little brother when mums at work", "young_person"),
    ("i made my girlfriend cut off her mates. now she has no one but me", "own_behaviour"),
    ("i listen back on the baby monitor to check what she says about me", "victim"),
    ("ive been hitting my 15 yr old son, hes bigger than me but he doesnt hit back", "danger"),
    # dev7.yml: a denied act, or a victim pattern too broad, hid the writer's own
    ("i push her, she never pushes me back, she just goes quiet and cries", "own_behaviour"),
    ("i keep telling her shes mental and imagining things even when i know shes right",
     "own_behaviour"),
    ("i changed the wifi password and only i know it so she has to ask me to get online",
     "own_behaviour"),
    ("ive forced myself on my wife when she said she was too tired", "own_behaviour"),
    ("i threw all her stuff out on the lawn in the rain and changed the locks", "own_behaviour"),
    ("i still have my exs location on find my and i check it 20 times a day", "own_behaviour"),
    ("i went round my exs at 2am and banged on the windows. i was drunk", "own_behaviour"),
    ("my kids saw me throw their mum across the living room", "own_behaviour"),
    # dev8.yml
    ("my boyfriend has bruises from me. were both guys", "victim"),
    ("i lock the wifi router at night so she cant message anyone after 10", "victim"),
    ("I lock the front door and keep the key so she can't go out at night", "victim"),
    ("i make her keep her location on all the time and i ring her over and over. she says its "
     "control. i say its cos i care", "own_behaviour"),
    ("she mouths off and i put her in her place. not hitting, just making sure she knows",
     "own_behaviour"),
    ("i smashed her phone last month. shes gone to her mums", "own_behaviour"),
    ("my wife says she walks on eggshells round me", "own_behaviour"),
    ("the kids ran to their room when i came in shouting", "own_behaviour"),
    ("i kept her phone all weekend so she couldnt ring her sister. stop her stirring things "
     "between us", "own_behaviour"),
    ("my husband says im abusive. i do hit him sometimes when he doesnt listen", "own_behaviour"),
    # dev9.yml
    ("my partner is disabled and i get frustrated and leave her in bed longer than i should as "
     "a punishment", "victim"),
    ("i broke my boyfriends nose. im a gay man and i dont know who to talk to about this",
     "victim"),
    ("my partner freezes when she hears my key in the door and i know thats down to me",
     "victim"),
    ("my partner reported me to the police and tbh she was right to", "victim"),
    # dev10.yml, first run: everyday control and pursuit, each asked about or reassured
    ("i tell my missus what she can wear when we go out", "victim"),
    ("ive told my wife shes not allowed to see her friends anymore because theyre a bad "
     "influence", "victim"),
    ("ive been sending my ex loads of messages from different numbers cos shes blocked me "
     "everywhere", "victim"),
    ("I am a 58 year old man and I have behaved badly towards my wife for many years. I would "
     "like help to change.", "victim"),
    ("do you help people who are the abuser? asking for me. im in birkenhead", "victim"),
    ("i go mad if my girlfriend talks to other lads, i know its not normal", "victim"),
    ("shes locked herself in the bathroom from me and im banging on the door", "victim"),
    ("i keep pushing my girlfriend to send me nudes when shes said no", "victim"),
    ("he said something about my weight and i was so hurt i threw my phone at him and it cut his "
     "eyebrow", "victim"),
]


@pytest.mark.parametrize("text, intent", OWN_ACTS)
def test_the_writers_own_acts_in_words_found_by_fresh_sets(text: str, intent: str) -> None:
    assert read(text, intent).role == OWN, text


@pytest.mark.parametrize("text", [
    # the same acts done to the writer
    "im pregnant and he keeps saying hell make sure i lose it",
    "he tells me what i can wear when we go out",
    "hes been messaging me from different numbers since i blocked him",
    "my ex and his family all say im the abuser, but he was the one who broke my nose",
    "my husband goes off on one when he gets in and i feel sick when i hear his van",
    "my little brother keeps beating me up when mums at work",
    "he made me cut off my mates. now i have no one but him",
    "he listens back on the baby monitor to check what i say about him",
    "my 15 yr old son hits me, hes bigger than me now and i dont hit back",
    "she has me pinned against the wall when she is drunk",
    "he had his hands round my throat and i scratched his face to get free",
    "he never hits me but he keeps telling me im mental and imagining things",
])
def test_harm_to_the_writer_still_reads_as_a_victim(text: str) -> None:
    assert read(text, "own_behaviour").role in (VICTIM, CLARIFY), text
    assert read(text, "victim").role == VICTIM, text


@pytest.mark.parametrize("text, intent", [
    # dev8.yml, first run: victims the model was 99.4-99.6% sure wrote about their own behaviour
    ("i hate myself for going back to him again. third time. everyones sick of me",
     "own_behaviour"),
    ("ive got a bruise on my arm shaped like his hand and i keep telling myself i bruise easy",
     "own_behaviour"),
    ("i cant do anything right. the way i load the dishwasher, what i wear. maybe im just "
     "rubbish at being a wife", "own_behaviour"),
    # dev9.yml
    ("its more the silent treatment. days of it. and i never know what ive done",
     "own_behaviour"),
    # blamed, not confessing; someone else's act
    ("my husbands family call me the abuser because i screamed at him at his mums birthday",
     "own_behaviour"),
    ("my daughters boyfriend tells her what to wear. she says im jealous of her happiness",
     "own_behaviour"),
    ("im 40, my mum is in a wheelchair and my stepdad leaves her in bed all day to punish her",
     "concerned_other"),
])
def test_self_blame_blame_or_another_persons_act_never_gets_the_respect_line(
        text: str, intent: str) -> None:
    assert read(text, intent, confidences={"own_behaviour": 0.996}).role != OWN, text


@pytest.mark.parametrize("text, circumstance", [
    ("my sons boyfriend is really controlling, takes his bank card", "lgbt"),
    ("my sisters girlfriend screams at her every night", "lgbt"),
    ("im a woman and my ex wife is stalking me", "lgbt"),
    ("my husband wont let me see my friends and hes deleted all my social media", "tech"),
    ("he hacked my icloud and reads everything", "tech"),
    ("my neighbours a lovely old man and his son shouts at him and takes his money", "family"),
])
def test_circumstances_said_in_passing(text: str, circumstance: str) -> None:
    assert circumstance in read(text, "victim").circumstances, text


def test_a_mother_and_her_daughter_in_a_sentence_are_not_family_abuse() -> None:
    text = "he hits her in front of her daughter and she wont leave"
    assert "family" not in read(text, "concerned_other").circumstances


def test_pinning_someone_down_after_being_slapped_is_asked_about() -> None:
    text = "she did slap me first. but i then pinned her down and wouldnt let her up"
    assert read(text, "victim").role == CLARIFY


def test_reported_words_are_not_harm_done_to_the_writer() -> None:
    from helpline.understanding import cues

    assert "harmed_by" not in cues(normalise("she says its control"))
    assert "harmed_by" in cues(normalise("she controls everything i do"))


def test_wanting_to_know_where_she_is_when_accused_is_asked_about() -> None:
    text = "she keeps saying im coercive. i just like knowing where she is 24/7"
    assert read(text, "victim").role in (OWN, CLARIFY)


@pytest.mark.parametrize("text", [
    "I've left. I'm at the train station with one bag. I don't know where to go.",
    "not sure what to do now",
])
def test_the_model_alone_never_gives_the_respect_line_for_a_message_about_no_one(
        text: str) -> None:
    assert read(text, "own_behaviour", confidences={"own_behaviour": 0.999}).role != OWN


def test_the_models_still_give_the_respect_line_when_harm_is_named() -> None:
    text = "how do i stop being abusive"
    assert read(text, "own_behaviour", confidences={"own_behaviour": 0.999},
                own_writer=0.9).role == OWN


def test_the_intent_model_alone_is_not_enough_for_the_respect_line() -> None:
    # without words of the writer's own harm, the writer model must agree with the intent model
    text = "snapped her glasses and chucked her phone in the canal so she couldnt leave"
    assert read(text, "own_behaviour", confidences={"own_behaviour": 0.999},
                own_writer=0.5).role == CLARIFY


def test_someone_else_messaging_from_new_numbers_is_not_the_writers_own() -> None:
    text = ("my daughters ex keeps posting about her online and messaging her from fake "
            "accounts. shes 26")
    assert read(text, "concerned_other").role == CONCERNED


@pytest.mark.parametrize("text, intent", [
    ("at my dads this weekend and hes been drinking and smashing stuff up and shouting at us. my "
     "little brother wont stop crying", "danger"),
])
def test_a_childs_weekend_at_a_parents_is_a_young_persons(
        text: str, intent: str) -> None:
    assert "childline" in routes(read(text, intent)), text


@pytest.mark.parametrize("text", [
    # dev11.yml, first run: each reassured as a victim; most drop the "i" at the start
    "just had my hands round her neck. shes in the bedroom now shaking and im in the kitchen",
    "sat outside my exs house in the car. its 2am. i know the new bloke is in there",
    "on her doorstep right now and shes rung the police. theres a non mol",
    "got a knife in my hand in the kitchen, not to use it, just picked it up",
    "mum is cowering in the corner and im stood over her shouting. typing this to stop myself",
    "keep turning up at my exs mums looking for her",
    "drove really fast with her in the car to scare her, she was screaming at me to stop",
    "Keep saying I will change. I dont. Drinking, shouting, she takes the baby upstairs.",
    "told my girlfriend shes not allowed male mates anymore. did i go too far",
    "I am 67 and have realised I have been bullying my wife for forty years.",
    "She says I make her walk on eggshells. I never thought of myself as that sort of man.",
    "i text him 40 times if he doesnt answer and if hes at the pub i go and drag him home",
    "We have arranged a marriage for our daughter and she is refusing. I have taken her passport.",
    "took the kids to my mums and told my ex she wont see them till she drops the charges",
    "been posting stuff about my ex on facebook to embarrass her. shared some private pics",
    "shes locked herself in the bathroom to get away from me right now. i only raised my voice",
])
def test_the_writers_own_acts_said_without_i_or_in_the_middle_of_it(text: str) -> None:
    assert read(text, "victim").role in (OWN, CLARIFY), text
    assert read(text, "danger").role in (OWN, CLARIFY), text


@pytest.mark.parametrize("text, role", [
    ("my friend got arrested for hitting her boyfriend but shes the one whos been getting "
     "battered for years", CONCERNED),
    ("im the one who got a non mol put on me but he started all of it. i shoved him once",
     VICTIM),
])
def test_someone_elses_arrest_or_a_fight_he_started_is_not_the_respect_line(
        text: str, role: str) -> None:
    assert read(text, "concerned_other" if role == CONCERNED else "victim").role == role


@pytest.mark.parametrize("text", [
    "i lock the front door at night and keep the key on me so my partner cant go anywhere",
    "took her phone and keys and locked the front door. i just want her to listen",
    "22 and get really possessive over my girlfriend, taking her phone",
    "how do i stop being abusive",
    "is it abuse to stop my wife having her own bank account",
    "just hit my girlfriend for the first time",
    "ive been reading my wifes emails for a year without her knowing",
])
def test_the_writers_own_control_with_or_without_i(text: str) -> None:
    assert read(text, "victim").role in (OWN, CLARIFY), text
    assert read(text, "own_behaviour", confidences={"own_behaviour": 0.9}).role == OWN, text


@pytest.mark.parametrize("text", [
    "my husband checks my phone every night, i hand it over at the door",
    "my girlfriend put her hands round my neck last night",
    "my ex wife keeps turning up at my flat and screaming through the letterbox",
])
def test_what_a_partner_does_to_the_writer_is_not_doubted(text: str) -> None:
    assert read(text, "victim", confidences={"own_behaviour": 0.3}).role == VICTIM, text


@pytest.mark.parametrize("text", [
    "my dad says because im his daughter he decides who i talk to. im not allowed to go to my "
    "mates for tea",
    "dad picks me up at weekends and asks loads about mums new house",
    "my dad says im going to live with his family abroad after year 11",
])
def test_a_child_said_in_passing(text: str) -> None:
    assert read(text, "victim").role == YOUNG, text


@pytest.mark.parametrize("text", [
    "my sisters on the other line whispering that hes got her locked in the bedroom",
    "mum is on the phone to me crying, she says hes throwing the furniture",
    "her text just said help hes here and nothing since. shes my best friend",
    "friends husband just texted her saying hes going to burn the house down with her in it",
    "our lodgers boyfriend just turned up drunk and threatening",
    "i keep hearing the couple upstairs. she cries and he calls her names",
])
def test_someone_else_in_danger_or_harmed_is_a_worried_adult(text: str) -> None:
    assert read(text, "danger").role == CONCERNED, text


@pytest.mark.parametrize("text", [
    "me and my gf are both 16 and she scratches me and says i deserve it",
    "my girlfriend is 15 same as me and she says shell kill herself if i break up with her",
    "me 14, my older brother takes my money and my phone",
    "is it normal 4 my bf to grab my wrists wen hes angry?? were both in yr 11",
    "my bf goes through my snap and makes me delete any boys, hes in my year",
])
def test_a_young_couple_or_a_classmate_means_a_young_writer(text: str) -> None:
    assert read(text, "victim").role == YOUNG, text


def test_a_shared_adult_age_is_not_a_child() -> None:
    assert read("we are both 40 and he hits me", "victim").role == VICTIM


@pytest.mark.parametrize("text", [
    "my husband grabbed me and there were finger marks for a week. we're both blokes",
    "I am being bullied by my adult son. He takes my money. I am a single father.",
])
def test_a_man_harmed_said_in_passing(text: str) -> None:
    assert "male" in read(text, "victim").circumstances, text


@pytest.mark.parametrize("text", [
    "hiding in the wardrobe, hes smashing the house up looking for mum",
    "hes back and hes hitting mum again, ive locked my bedroom door with my little brother",
    "my mums fella has just pushed her down and shes not getting up. im in my room",
])
def test_a_child_hiding_while_mum_is_hurt(text: str) -> None:
    assert read(text, "danger").role == YOUNG, text


def test_an_adult_hiding_from_her_partner_is_not_a_child() -> None:
    assert read("hiding in the wardrobe, hes smashing the house up looking for me",
                "danger").role == VICTIM


@pytest.mark.parametrize("text, role", [
    ("put cameras in the living room. i watch them at work cos i need to know what shes doing",
     OWN),
    ("she flinched when i reached for the remote. its been bugging me all week", OWN),
    ("my daughters ex is stalking her, hes been parked outside her house every night",
     CONCERNED),
    ("i dont want to be that nosy neighbour but the couple next door are screaming again",
     CONCERNED),
])
def test_whose_act_it_is_in_the_new_sets_words(text: str, role: str) -> None:
    intent = "own_behaviour" if role == OWN else "concerned_other"
    assert read(text, intent, confidences={intent: 0.9}).role == role, text


@pytest.mark.parametrize("text", [
    "made her have sex when she didnt want to. thought it was fine cos were married",
    "shared a pic of my ex with the lads when we broke up. now police want to talk to me",
    "I'm the one who does the hitting. There, I said it",
    "I've found myself following my ex to the gym and sitting in the car park",
    "scared of what I'll do if she brings that bloke round again",
    "Got arrested Saturday for pushing my partner down the stairs",
    "Grabbed the wife by the hair and dragged her to the car",
    "I live with my nan and take a bit of her pension sometimes",
])
def test_the_writers_own_acts_in_dev13s_words(text: str) -> None:
    assert read(text, "victim").role in (OWN, CLARIFY), text
    assert read(text, "own_behaviour", confidences={"own_behaviour": 0.9}).role == OWN, text


@pytest.mark.parametrize("text", [
    "i use a wheelchair and he moves it out of reach when hes angry",
    "He's logged into my facebook and is messaging my friends pretending to be me. "
    "I left him in March.",
    "im at a&e. told them i fell. i didnt fall",
    "on the train now with the kids, left him this morning",
    "He's been at my door again, that's the 4th breach of the order",
])
def test_harm_to_the_writer_in_dev13s_words(text: str) -> None:
    assert read(text, "victim", confidences={"own_behaviour": 0.3}).role == VICTIM, text


@pytest.mark.parametrize("text, intent", [
    ("I'm typing this for my mum as her eyes are bad now. Her husband has her pension", "victim"),
    ("Ive just had my daughter on the phone screaming, he's in the house", "victim"),
    ("My daughter has just rung me from a layby. He threw her out of the car", "victim"),
    ("I'm a health visitor. A mum I see told me her partner said he'd kill her", "own_behaviour"),
])
def test_someone_else_in_dev13s_words(text: str, intent: str) -> None:
    assert read(text, intent, confidences={intent: 0.6}).role == CONCERNED, text


@pytest.mark.parametrize("text", [
    "me n my little sis are locked in our room n mum's screaming, he's smashing everything",
    "my mums boyfriend hits her and i just hide in my room with my headphones on",
    "my mum says if i tell anyone about her hitting me ill get taken into care",
])
def test_a_child_in_dev13s_words(text: str) -> None:
    assert read(text, "victim").role == YOUNG, text


def test_a_parent_fearing_the_children_taken_into_care_is_not_a_child() -> None:
    assert read("he says the kids will be taken into care if i tell anyone",
                "victim").role == VICTIM


@pytest.mark.parametrize("text", [
    "my boyfriend stands in the doorway so i cant leave till its sorted",
    "my girlfriend kept me up all night and wouldnt let me out of the room",
    "shes got my bank cards and if i want anything i have to ask",
    "she goes mad if i talk to any woman, shes been through all my messages",
    "my husband hates my course, rips up my coursework and says im too thick",
    "my partner uses my disability against me",
    "my boyfriend pressures me into stuff in bed that im not ok with",
    "my ex drives past my house at night flashing his lights",
    "the lad im seeing wants to know where i am 24/7",
])
def test_what_is_done_to_the_writer_is_not_doubted(text: str) -> None:
    assert read(text, "victim", confidences={"own_behaviour": 0.4}).role == VICTIM, text


@pytest.mark.parametrize("text", [
    "i stand in the doorway so she cant leave till its sorted",
    "i keep her bank cards so she has to ask me",
])
def test_the_same_acts_by_the_writer_are_still_asked_about(text: str) -> None:
    assert read(text, "victim", confidences={"own_behaviour": 0.4}).role != VICTIM, text


@pytest.mark.parametrize("text", [
    "my wife is disabled and relies on me. ive been rough with her when helping her wash",
    "drink makes me nasty to the wife",
    "told her if she ever leaves ill make her life hell",
    "i keep going on at her for sex till she gives in",
    "got into my exs email to see who shes been talking to",
    "im gay and ive been threatening to out my boyfriend to his family",
    "i call her thick and useless in front of people",
    "police were called on me last night after i threw my partner into the wardrobe",
    "me and my partner argue and i end up throwing things at her",
    "i think im turning into my dad. i was shouting at the wife",
    "wouldnt let her go to her nans funeral because wed had a row",
    "grabbed the baby off her mid row and wouldnt give him back",
    "my ex has a new fella and i sent him threats",
    "honestly shes as bad as me but im the one whos left marks",
    "do you help blokes who are the ones causing it",
    "i took out a loan in her name",
])
def test_the_writers_own_acts_in_more_everyday_words(text: str) -> None:
    assert read(text, "own_behaviour", confidences={"own_behaviour": 0.9}).role == OWN, text


@pytest.mark.parametrize("text", [
    "i threw my husband out and changed the locks after he hit me",
    "he has been nasty to me since the baby came",
    "she is threatening to out me to my family",
])
def test_a_victims_look_alikes_are_not_the_writers_own(text: str) -> None:
    assert read(text, "victim").role == VICTIM, text


@pytest.mark.parametrize("text", [
    "my wife says if i dont do what she says shell take the kids and tell everyone i hit her, "
    "which i never have",
    "ex girlfriend keeps threatening to say i raped her if i dont get back with her",
    "is there anywhere i can stay? my wife has told me to get out tonight or shell say i hit her",
])
def test_a_threatened_false_allegation_is_harm_to_the_writer(text: str) -> None:
    assert read(text, "victim", confidences={"own_behaviour": 0.3}).role == VICTIM, text


def test_an_allegation_reported_without_a_threat_is_still_asked_about() -> None:
    assert read("wife says i raped her. were married. she didnt fight me off",
                "own_behaviour").role in (OWN, CLARIFY)


@pytest.mark.parametrize("text", [
    "my ex put my nudes in a group chat after i left him",
    "he sent my intimate photos to my sister",
    "my ex is putting pictures of me in my underwear in a facebook group",
    "hes threatened to send the videos of us to my dad",
    "im 15 and my step dad watches me in the shower through the gap in the door",
])
def test_intimate_images_and_being_watched_are_sexual_violence(text: str) -> None:
    assert "sexual_violence" in read(text, "victim").circumstances, text


def test_photos_without_anything_intimate_are_not_sexual_violence() -> None:
    assert "sexual_violence" not in read("he deleted all the photos of me and the kids",
                                         "victim").circumstances


@pytest.mark.parametrize("text", [
    "colleague told me her husband tracks her phone and rings the office to check",
    "he posts about me on tiktok every day, everyone knows its me",
])
def test_tracking_her_phone_or_posting_about_me_is_tech(text: str) -> None:
    assert "tech" in read(text, "victim").circumstances, text


@pytest.mark.parametrize("text, circumstance", [
    ("my neighbour is an old man and his daughter in law shouts at him", "family"),
    ("dad chucked me out tonight after he caught me texting a boy", "family"),
    ("his family took my wedding gold and my passport", "family"),
    ("a lad at my work came in with a black eye again, says his boyfriend did it", "lgbt"),
    ("the lad ive been seeing (im a lad too) wants to know where i am", "lgbt"),
    ("ive been with her 4 years, shes a woman and so am i", "lgbt"),
    ("my mum and her gf fight all the time", "lgbt"),
    ("his family took my wedding gold and my passport", "money"),
    ("i need to leave but i have nothing of my own, he has the only account", "money"),
    ("my husband controls the heating. im not allowed it on when hes at work", "money"),
    ("my mums new husband has got her to sign her house over to him", "money"),
    ("my daughters husband gambles their rent away", "money"),
])
def test_circumstances_in_everyday_words(text: str, circumstance: str) -> None:
    assert circumstance in read(text, "victim").circumstances, text


@pytest.mark.parametrize("text, circumstance", [
    ("she went out with her girlfriends and he went mad", "lgbt"),
    ("we had a row and he turned the tv off and went to bed", "money"),
])
def test_look_alikes_without_the_circumstance(text: str, circumstance: str) -> None:
    assert circumstance not in circumstances(normalise(text)), text


@pytest.mark.parametrize("text", [
    "im a school nurse and a year 8 boy told me his mums boyfriend locks him in his room",
    "lad in my tutor group told me his stepdad locks him out. im his teacher, what do i do",
    "my mum and dad are in their 50s and she rang me crying saying dad shoved her",
    "can hear screaming through the wall, sounds like hes throwing her about",
    "is it ok for me to call the police for my friend if she doesnt want me to",
    "how do i tell my friend her boyfriend is controlling without her pushing me away",
    "my best friend keeps going back to him. she covered bruises with makeup",
    "worried about my sister. she seems to be walking on eggshells all the time",
])
def test_a_worried_adult_in_everyday_words(text: str) -> None:
    assert read(text, "victim").role == CONCERNED, text


@pytest.mark.parametrize("text", [
    "she says if i leave her shell tell everyone im gay and ill lose my job, im a teacher",
    "my son put his fist thru the wall right next to my head",
    "walking on eggshells every single day. i check his face when he walks in",
    "im a young carer for my mum and my dad shouts at both of us. im 16",
])
def test_a_job_a_wall_or_eggshells_do_not_make_someone_a_bystander(text: str) -> None:
    assert read(text, "victim").role in (VICTIM, YOUNG), text


@pytest.mark.parametrize("text", [
    "my boyfriend is 22 and im 15, he says its fine cause we love each other",
    "me and my gf are 15, she hits me when shes angry",
    "im trans, 15, my mum keeps calling me my deadname",
    "ngl my mums fella is proper controlling, takes her bank card. im in yr 10",
    "my dad hits my mum every time city lose. i'm in year 6",
    "my boyfriend gets really angry if i talk to lads in my class",
    "dad said hell burn the house down with us in it. cant sleep. year 11 mocks tomorrow",
    "my dad keeps taking the money from my saturday job",
])
def test_a_young_writer_in_school_and_couple_words(text: str) -> None:
    assert read(text, "victim").role == YOUNG, text


@pytest.mark.parametrize("text", [
    "my wife has told our kids im violent, theyre 8 and 11 and now theyre scared of me",
    "my wife and i get physical with each other when we argue",
])
def test_childrens_ages_or_a_fight_are_not_a_young_writer(text: str) -> None:
    assert read(text, "victim").role != YOUNG, text


def test_one_parent_harming_the_other_offers_childline_when_no_age_is_given() -> None:
    assert "childline" in routes(read("my dad hits my mum and i dont know what to do",
                                      "concerned_other"))


@pytest.mark.parametrize("text, circumstance", [
    ("my ex put a tracker on my sons ipad so he always knows where we are", "children"),
    ("when my ex texts about our son my fella gets so jealous he smashes stuff up", "children"),
    ("please hes got my daughter in the car and wont give her back", "children"),
    ("gay couple here. my husband has just smashed a bottle", "male"),
    ("my son is 27 and still lives with me and the wife. he pinned me against the fridge", "male"),
    ("shes put all the bills in my name. bloke in nantwich, where do i start", "male"),
])
def test_children_or_a_man_said_in_passing(text: str, circumstance: str) -> None:
    assert circumstance in read(text, "victim").circumstances, text


def test_a_bloke_who_hurt_the_writer_does_not_make_the_writer_a_man() -> None:
    assert "male" not in circumstances(normalise("a bloke in the pub grabbed my bum"))


@pytest.mark.parametrize("text", [
    "we were both screaming and i hit him. he hadnt even touched me",
    "my wife uses a wheelchair and i have left her upstairs without it after arguments",
    "i keep telling my wife she is going mad and imagining things when she isnt",
    "police gave me a dvpn, cant go home for 28 days. what am i meant to do now",
    "put an airtag in her car bc i thought she was lying about where she goes",
    "my temper scares me. never hit her but ive punched holes in every door",
])
def test_words_of_harm_to_the_writer_that_are_not(text: str) -> None:
    assert "victim" not in cues(normalise(text)), text


@pytest.mark.parametrize("text", [
    "he says im mad and imagining things", "i left him last year", "i cant go home tonight",
    "he lied to the police about what happened",
])
def test_words_of_harm_to_the_writer_that_are(text: str) -> None:
    assert "victim" in cues(normalise(text)), text


@pytest.mark.parametrize("text", [
    "my brother has got my mum by the hair in the kitchen right now, im 34 and upstairs at hers",
    "my daughter is 19 and her dad (my ex) makes her hand over her wages",
    "my dad has controlled my mum my whole life. im 30. how do i help her",
    "my friend just turned up at mine with her 2 kids, hes thrown them out",
    "friend messaged dont reply hes back and in a state. its been 2 hours",
    "the man next door's got her by the throat in the front garden",
])
def test_a_worried_adult_about_a_relative_or_friend(text: str) -> None:
    assert read(text, "danger").role == CONCERNED, text


@pytest.mark.parametrize("text", [
    "quick. neighbours rang police but theyre not here yet and hes trying to get back in",
    "my neighbours must hear me screaming most nights. last week he split my lip",
])
def test_neighbours_who_heard_or_rang_do_not_make_the_victim_a_bystander(text: str) -> None:
    assert read(text, "danger").role == VICTIM, text


@pytest.mark.parametrize("text", [
    "is it still abuse if you both do it", "mutual abuse, is that a thing? asking for us",
    "me and my wife both drink and both turn nasty", "fights in our house go both ways",
    "domestic last night, both got marks", "my girlfriend and i get into physical fights",
])
def test_both_sides_in_everyday_words_are_asked_about(text: str) -> None:
    assert read(text, "victim").role == CLARIFY, text


def test_fighting_for_a_child_is_not_both_sides() -> None:
    assert read("i had to fight to get my kids back, he hit me for years", "victim").role == VICTIM


# dev14.yml's first run: the writer's own act, justified or played down, with the partner's word
# for it quoted, is their own behaviour; the same quoted word after self-defence or harm is not.
@pytest.mark.parametrize("text, expected", [
    ("I make her hand over her wages because shes rubbish with money. But she says its "
     "controlling", OWN),
    ("I control all the money because my wife can't budget. She says I'm abusive", OWN),
    ("i hid her tablets to teach her a lesson. she says thats abuse", OWN),
    ("I only pushed her once. Shes telling everyone im violent", OWN),
    ("my gf says i raped her. i thought she was up for it", OWN),
    ("ive put a camera in our living room to watch my wife when im at work", OWN),
    ("i keep checking my boyfriends insta and made him unlock his phone", OWN),
    ("im outside her house now and she wont answer the door. i just want to talk", OWN),
    ("she called the police on me and now im on bail", OWN),
    ("social services think im the aggressive one because hes so calm when they visit", CLARIFY),
    ("he says im abusive because i hit him back when he grabbed me", VICTIM),
])
def test_the_writers_own_act_justified_is_theirs_even_when_accused(text: str,
                                                                   expected: str) -> None:
    assert read(text, "victim").role == expected, text


@pytest.mark.parametrize("text", [
    "i keep turning up to work with bruises. i said i fell over. its him",
    "i think im the problem. he only gets angry when i wind him up. he just goes for my throat",
    "my sister isnt answering and her ex has been driving past her house all week",
])
def test_bruises_self_blame_and_another_persons_ex_are_never_the_perpetrator_route(
        text: str) -> None:
    for intent in ("victim", "own_behaviour", "concerned_other"):
        assert read(text, intent, confidences={"own_behaviour": 0.995},
                    own_writer=0.9).role not in (OWN,), (text, intent)


def test_a_child_calling_their_parents_dad_and_mum_with_little_sisters_is_young() -> None:
    text = "dad just smashed the telly and hes got mum up against the wall, my little sisters " \
           "are still in there"
    assert read(text, "danger").role == YOUNG
    assert read("dad hit mum again last night", "victim").maybe_young
    assert not read("my dad hit my mum when i was little, im 40 now", "victim").maybe_young


@pytest.mark.parametrize("text, expected", [
    ("staying at a mates, ive got a 6 month old", "children"),
    ("she has 3 under 5 and hes stopped her working", "children"),
    ("he says ill lose my daughter. shes 1.", "children"),
    ("if i leave ill be sent back without my son", "children"),
    ("hes emptied our account and im sleeping in my car", "money"),
    ("he messaged me loads from his mates phones", "stalking"),
    ("he rings the office 15 times a day", "stalking"),
    ("my ex let himself in with a key", "stalking"),
    ("she makes him video call so she can see who hes with", "tech"),
    ("my ex is sending a pic of me round school", "sexual_violence"),
    ("he put a hidden camera in the bathroom", "sexual_violence"),
    ("on the wedding night he forced me", "sexual_violence"),
    ("they threw me out because i refused the proposal", "forced_marriage"),
    ("he shouts that shell be sent back", "immigration"),
    ("im in a hotel for one more night then nothing", "safe_tonight"),
    ("im her husband and she hits me", "male"),
])
def test_circumstances_told_without_their_usual_words(text: str, expected: str) -> None:
    assert expected in circumstances(normalise(text)), text


@pytest.mark.parametrize("text, absent", [
    ("my son is 24 and he takes my money", "children"),
    ("he forced me to hand over my pin", "sexual_violence"),
    ("she sent back my letters unopened", "immigration"),
    ("i keep turning up late to work", "stalking"),
])
def test_the_same_words_without_the_circumstance(text: str, absent: str) -> None:
    assert absent not in circumstances(normalise(text)), text


# dev15.yml's first run (everyday words, 73.5% with 11 harmful).
@pytest.mark.parametrize("text", [
    "not proud of it but I rang my wife's boss and said she was lying. just to keep her home",
    "I've told my partner I'll send his mum the messages that prove he's gay if he leaves me",
    "I sleep with her phone under my pillow so she can't message anyone at night",
    "when she's late home I ring and ring and now I've started waiting outside her work",
    "I've been on at my daughter to marry the man we've chosen",
    "I'm a carer and I've been taking a bit from one of my ladies' purses",
    "I put the loan in her name because my credit's shot",
    "I've still got the ring app from when I lived there",
    "the missus says I'm controlling. I just like to know where she is",
    "I locked him out last night after a row. I feel awful but he pushes my buttons",
])
def test_the_writers_own_acts_in_oblique_words(text: str) -> None:
    assert read(text, "victim").role == OWN, text


@pytest.mark.parametrize("text", [
    "the missus threw a mug at me again last night",
    "I woke up and he was already on top of me",
    "found one of those airtag things in the baby's changing bag",
    "he filmed us without asking",
    "I've left. I'm at the station with the kids. where do we go",
    "he only lets me have my hormones if I've been good",
    "I think I'm the problem. he's only like it because I push him. I tell myself I asked for it",
])
def test_harm_to_the_writer_in_oblique_words_is_never_the_perpetrator_route(text: str) -> None:
    assert read(text, "own_behaviour").role != OWN, text
    assert read(text, "victim").role in (VICTIM, CLARIFY), text


@pytest.mark.parametrize("text, expected", [
    ("my sister's just turned up at mine with the kids in their pyjamas. he's put them out",
     CONCERNED),
    ("my best mate has just texted he's got a knife and now she's not answering", CONCERNED),
    ("my brother is my appointee for benefits and gives me 20 pound a week", VICTIM),
])
def test_a_message_that_opens_with_someone_else_is_about_them(text: str, expected: str) -> None:
    assert read(text, "danger").role == expected, text


def test_an_age_to_come_is_not_the_writers_age() -> None:
    text = "mum says I'll marry my cousin when I'm 18. she checks my phone. im 15"
    assert read(text, "victim").role == YOUNG
    assert read("a lad in my year has pics of me", "victim").role == YOUNG
    assert read("my mum's ex is following us. we're walking home from school",
                "danger").role == YOUNG


@pytest.mark.parametrize("text, expected", [
    ("where do i find an idva", "find_service"),
    ("is there a refuge near me", "find_service"),
    ("I need the number for domestic abuse services in Leeds please", "find_service"),
    ("if he checks my phone will he see ive been on here", "device_safety"),
    ("Does this Telegram chat disappear or will it stay on my phone?", "device_safety"),
    ("is there a refuge, he hits me", None),
    ("where can i get help for my sister, her husband hits her", None),
    ("is there a group for me, i hit my wife", None),
    ("i read all her messages, will she see i messaged you", None),
])
def test_a_plain_question_for_a_service_or_about_this_chat(text: str,
                                                            expected: str | None) -> None:
    assert plain_question(normalise(text)) == expected, text


# dev16.yml's first run (who is writing, 76.0% with 8 harmful).
@pytest.mark.parametrize("text", [
    "my partner says im controlling because i handle all the money and give her an allowance",
    "She says I'm abusive because I don't let her go out with her work friends",
    "in arguments I've told her I'll get her sent back. I didn't mean it",
    "my wife wants to take the kids to her mums and i've hidden the car keys and her purse",
    "i keep hitting my mum when she nags me. im 24",
    "i've got cameras in the house and i watch my wife on them when im at work",
    "i sent my ex over 200 messages yesterday because she wont talk to me",
    "i posted some pics of my ex online after she cheated",
    "it's not abuse, i just raise my voice and sometimes throw stuff near him not at him",
    "i've been taking money out of her account. she doesn't really notice",
])
def test_the_writers_own_acts_minimised_or_justified(text: str) -> None:
    assert read(text, "victim").role == OWN, text


@pytest.mark.parametrize("text", [
    "She's got a non-mol against me saying I threatened her but it was her who stabbed me",
    "he keeps saying im crazy. he's even told my GP i'm abusive to him",
    "i was sexually assaulted by my partner last night",
])
def test_what_is_said_about_the_writer_is_not_their_own_words(text: str) -> None:
    for intent in ("victim", "own_behaviour"):
        assert read(text, intent).role != OWN, (text, intent)


@pytest.mark.parametrize("text, expected", [
    ("my best mate just text me 'he's locked me in the bedroom'", CONCERNED),
    ("my mum is 80 and my sister takes her pension card every week", CONCERNED),
    ("teacher here. year 4 pupil keeps saying daddy hurt mummy", CONCERNED),
    ("my uncle said he will kill me for bringing shame on the family", VICTIM),
    ("my son has taken over my pension and bank", VICTIM),
])
def test_relayed_words_and_someone_elses_story(text: str, expected: str) -> None:
    assert read(text, "victim").role == expected, text


# dev17.yml's first run (a Friday-night inbox, 87.0% with 8 harmful).
@pytest.mark.parametrize("text", [
    "Every time my husband goes out I ring him over and over until he comes home",
    "I've been sending my ex a lot of messages, like 100 a day, I can't stop",
    "my missus says I'm controlling because I've got her location on my phone. I just worry "
    "about her",
    "my wife says she's going to leave and I've got her passport in my drawer",
])
def test_control_told_plainly_is_the_writers_own(text: str) -> None:
    assert read(text, "victim").role == OWN, text


@pytest.mark.parametrize("text, not_expected", [
    ("my niece is 16 and her boyfriend is 22 and he's making her send nudes", VICTIM),
    ("my ex husband says hell put my nudes on facebook if i dont let him have the kids", CLARIFY),
    ("kicked out by my partner because of my behaviour. want to change", VICTIM),
])
def test_someone_elses_harm_and_a_threat_are_not_misread(text: str, not_expected: str) -> None:
    assert read(text, "victim").role != not_expected, text


# dev18.yml's first run (men, LGBT+, older and disabled people; 80.7% with 4 harmful).
@pytest.mark.parametrize("text, expected", [
    ("I keep stopping my ex seeing the kids whenever he upsets me, just to punish him", OWN),
    ("I've got my wife's passport in my safe so she doesn't run off back home", OWN),
    ("just punched the wall next to my girlfriends head and I can feel I'm going to do worse",
     OWN),
    ("I've been taking my mum's pension to pay off my debts", OWN),
    ("my ex wife turns up at my flat drunk at 2am screaming, neighbours think I'm the problem",
     VICTIM),
    ("she throws things at me in front of the kids and then says I made her do it", VICTIM),
    ("my carer has been taking money out of my account", VICTIM),
    ("she says if I leave her she'll make sure I get deported", VICTIM),
    ("my gf has access to my bank app and moves money out whenever she wants", VICTIM),
    ("he left me months ago but still messages my kids asking what I'm doing", VICTIM),
])
def test_men_older_people_and_the_writers_own_control(text: str, expected: str) -> None:
    assert read(text, "own_behaviour" if expected == OWN else "victim").role == expected, text
    wrong = VICTIM if expected == OWN else OWN
    assert read(text, "victim" if expected == OWN else "own_behaviour").role != wrong, text


def test_every_time_i_block_one_another_pops_up_is_not_both_sides() -> None:
    text = "my ex keeps posting about me from fake accounts, every time I block one another pops up"
    assert read(text, "victim").role == VICTIM
