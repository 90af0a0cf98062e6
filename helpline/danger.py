"""Deterministic detection of immediate danger in what a person wrote: the one lexicon.

This runs on the whole message, before anything is cut for NLU, and it must never depend on
a trained model: a person saying "he's outside with a knife" always gets the 999 reply.
It errs on the side of caution: a false alarm costs a 999 reminder, a miss could cost a life.

The same named signals (threats to kill, strangulation, weapons, danger now, serious injury)
make a conversation urgent in the advisors' queue (`helpline.risk`), so the 999 reply and the
queue can never disagree: "she has a shotgun" is both.
"""
from __future__ import annotations

import re

# Text-speak and common misspellings, mapped to one spelling before matching.
_WORDS = {
    "hes": "he is", "shes": "she is", "hell": "he will", "shell": "she will",
    "theyll": "they will", "hed": "he would", "shed": "she would", "theyre": "they are", "im": "i am", "ive": "i have",
    "cant": "cannot", "cnt": "cannot", "carnt": "cannot", "can't": "cannot", "cannae": "cannot",
    "wont": "will not", "gonna": "going to", "gna": "going to", "gunna": "going to",
    "goin": "going", "gon": "going to", "wanna": "want to", "2nite": "tonight",
    "2night": "tonight", "tonite": "tonight", "tnite": "tonight", "2day": "today",
    "kil": "kill", "kll": "kill", "killl": "kill", "murda": "murder",
    "hittin": "hitting", "hitin": "hitting", "hiting": "hitting", "beatin": "beating",
    "punchin": "punching", "kickin": "kicking", "chokin": "choking", "stranglin": "strangling",
    "attackin": "attacking", "hurtin": "hurting", "bangin": "banging", "breakin": "breaking",
    "nife": "knife", "knif": "knife", "kniffe": "knife", "nive": "knife", "knive": "knife",
    "rn": "right now", "u": "you", "ur": "your", "r": "are", "n": "and", "b": "be", "pls": "please",
    "plz": "please", "pleas": "please", "hlp": "help", "halp": "help", "hes'": "he is",
    "outsid": "outside", "outide": "outside", "ouside": "outside", "dwnstairs": "downstairs",
    "bf": "boyfriend", "gf": "girlfriend", "hubby": "husband", "thru": "through",
    "dangr": "danger", "dnger": "danger", "scard": "scared",
    "hittng": "hitting", "strangeling": "strangling",
    "strangleing": "strangling", "stranglng": "strangling", "chocking": "choking",
    "chokeing": "choking", "beatng": "beating", "ambulence": "ambulance", "ambulanc": "ambulance",
    "polic": "police", "brethe": "breathe", "breath": "breathe", "cudnt": "could not", "couldnt": "could not",
}

_PERSON = (
    r"(he|she|they|him|her|them|partner|ex|husband|wife|boyfriend|girlfriend|dad|father|"
    r"mum|mother|brother|son|stepdad|uncle)"
)
_VIOLENT = (
    r"(hitting|beating|punching|kicking|strangling|choking|stabbing|attacking|hurting|battering|"
    r"slapping|throttling|smacking|bashing|strangle|choke|stab|attack|beat|batter|punch|kick)"
)
_VICTIM = (r"(me|us|her|him|(my|the|our) (mum|mom|mam|sister|kids?|children|son|daughter|"
           r"baby|nan))")
# Happening now, or about to: with an act of violence or a threat, that is danger now.
_NOW = (r"(right now|just now|at the moment|as we speak|any (minute|second|moment)|"
        r"on (his|her|their|the) way|coming (back|home|round|over|for me)|driving (up|over|round|"
        r"here|back)|(is|are) (still )?(here|outside|downstairs|asleep|sleeping|dozed off|in (the )?(house|flat))|"
        r"(has|have|is|are) been drinking (all day|all night|since|for hours)|"
        r"(he|she|they) (is|are) (just )?(next door|in the (next|other) room|behind me))")
_ACTING = (r"(smash\w*|trash\w*|scream\w*|shout\w*|bang\w*|kick\w*|punch\w*|hit\w*|hurt\w*|"
           r"grab\w*|push\w*|shov\w*|going mad|losing it|lost (his|her) temper|pinn\w*|corner\w*|throw\w*|threw|chas\w*|follow\w*|attack\w*|rap(e|ed|ing)|"
           r"threat\w*|going for|come at|came at|coming at|hold\w* (it|a \w+|the \w+) (at|to)|"
           r"blocking|drag\w*|headlock|fight\w*|beat\w*|batter\w*|drunk|drinking|raging|kill\w*|"
           r"dead|finish me|waiting for me|lock\w*|hiding|hide|going at|start\w* again|"
           r"(get|getting) (me|us|myself)( and (the|my) (kids|children|baby))? out)")
_WEAPON = r"(knife|knives|gun|guns|weapon|machete|blade|axe|hammer|baseball bat|crowbar|acid|petrol)"

# Urgent signals, by name; the patterns read normalised text.
SIGNAL_PATTERNS: dict[str, list[str]] = {
    "threats_to_kill": [
        r"\b(kill|murder|strangle|stab|shoot|burn) (me|us|her|him|myself|the kids|my)\b",
        r"\b(going to|will|gonna|wants to|want to|threatening to|threatened to|try to|trying to|"
        r"threatens to|said he would|said she would|swore to|promised to) "
        r"(kill|murder|hurt|strangle|stab|shoot)\b",
        r"\b(death|kill|killing) threats?\b", r"\bthreat(s|ened)? (on|to) my life\b",
        r"\bwants? me dead\b", r"\bno one would (ever )?find me\b",
        r"\b(fear|scared|afraid|frightened|terrified) for my (life|safety|kids|children)\b",
        r"\b(think|thinks|feel|scared|afraid|frightened|terrified) (he|she|they) (will|is going "
        r"to|are going to) (kill|hurt)\b",
        r"\b(set|setting) fire\b", r"\b(set|setting|sets) (the|my|our|this) \w+( \w+)? on fire\b",
        r"\b(set|setting|sets) (me|us|her|him|it) (on fire|alight)\b",
        r"\b(will|would|going to|gonna) do something (stupid )?(with|to) (me|us|the kids|the "
        r"children|them|you)\b", r"\byour last (night|day|christmas|birthday)\b",
        r"\btonights? (is )?the night\b", r"\bwatch what happens\b",
        r"\bmake sure (none of us|we never|you never|i never)\b",
        r"\b(kids|children|baby) (did not|didnt|do not|dont|would not|wouldnt|will not|never) "
        r"(have|had) (a|their) (mum|mam|mom|mother|mummy|dad|father|daddy)\b", r"\bnone of us (will )?get there\b",
        r"\b(i am|im) next\b", r"\bburn (the|my|our) (house|flat|place|car) down\b",
        r"\b(threatening|threatened|threatens|going|said he would|said she would) to (throw|push) "
        r"(me|her|him|us) (off|out of|down)\b",
        r"\b(your|her|his|my) days are numbered\b", r"\bgets? what(s| is) coming\b",
        r"\bnot long now\b", r"\b(i will|ill|you will|youll) (learn|find out what happens|pay for (it|this))\b",
        r"\bonce the (kids|boys|girls|children|baby) (are|is) (asleep|in bed)\b", r"\bi have gone too far (this time|tonight)\b",
        r"\b(scared|afraid|worried|frightened|terrified) (i will|ill|i am going to|i might|i could) (do it "
        r"again|hurt (her|him|them|someone)|hit (her|him|them))\b", r"\b(you are|youre|you will|youll) (going to |gonna )?regret (today|"
        r"tonight|this|it)\b",
    ],
    "strangulation": [
        r"\b(strangl\w*|chok(e|ed|es|ing)|throttl\w*|suffocat\w*|smother\w*)\b",
        r"\b(hands?|arms?|forearm|knee) (round|around|on|across|over) (my|her|his|their)( \w+s)? "
        r"(neck|throat|mouth)\b", r"\b(grab\w*|squeez\w*|held|hold\w*) (me |her |him )?(by )?"
        r"(my|the|her|his) (neck|throat)\b", r"\bby (the|my|her|his) (throat|neck)\b",
        r"\b(cannot|could not) breathe\b", r"\bpinned me (down )?by (my|the) (neck|throat)\b",
    ],
    "weapons": [
        r"\b(knife|knives|gun|guns|shotgun|rifle|firearm|pistol|weapon|weapons|machete|blade|"
        r"axe|hammer|baseball bat|crowbar|acid|petrol|scissors|screwdriver|broken bottle|"
        r"boiling water)\b",
        r"\bstabb?(ed|ing)\b", r"\bsharpening\b", r"\bhold\w* (it|a \w+|the \w+) (at|to) (me|her|him|us|my \w+)\b",
        r"\b(come|came|comes|coming|went|going|gone) (at|for) (me|her|him|us) with\b",
    ],
    "danger_now": [
        rf"\b{_VIOLENT} {_VICTIM}\b",
        rf"\b{_PERSON} (is|are) (parked |sat |sitting |waiting |standing |hanging around )?(here|outside|downstairs|upstairs|at the door|in the house|"
        r"coming|coming back|back|on (his|her|their) way|banging|breaking|kicking|trying to get in|"
        r"smashing|forcing)\b",
        r"\b(breaking|kicking|banging|smashing|forcing) (in|down|on|at) (the|my|our) "
        r"(door|window)s?\b",
        r"\bcannot (talk|speak|text|say much|say more)( right)?( now)?\b\W*(" + _PERSON + r"|$)",
        r"\b(in danger|not safe|unsafe)( right)? (now|here|tonight)\b",
        r"\bi am in danger\b",
        r"\b(help me|help us|help) (now|quick|quickly|asap|immediately)\b",
        r"\blocked (me|us|her|him|them|my \w+) in\b", r"\block(s|ed)? (me|her|him|us|them|"
        r"herself|himself|themselves)( and (the|my|our) (kids|children|baby))? in (my |her |his |"
        r"the |a |their |our )?(room|house|flat|bedroom|bathroom|shed|car|toilet|loo)\b",
        r"\blocks? the doors? (when|so|and) (he|she|they) (go|goes|leave|leaves|went|left)\b",
        r"^\s*(sos|999|emergency)\W*$", r"^\W*(please )?help( me| us)?( please| now)?\W*$",
        # Asking for the emergency services: a false alarm costs a 999 reminder.
        r"\b(need|needs|get|send|call|ring|phone) (an|the|a)? ?(ambulance|police|paramedics?)\b",
        r"\b(he|she|they) (is|are) on top of me\b",
        r"\b(he|she|they) (is|are) (raping|rapeing) (me|her|us)\b",
        r"\b(i am|im|we are|she is|he is) being (beaten|hit|attacked|strangled|choked|stabbed|raped|"
        r"hurt|battered|kicked|punched|dragged)\b",
        r"\b(he|she|they) (is|are) (going to|about to|gonna) (hit|beat|batter|rape|attack|hurt|stab|"
        r"strangle|choke) (me|us|her|him|the kids|the children|the baby|my \w+)\b",
        r"\b(i am|im|we are) going to die\b",
        r"\b(trying to|going to) (break|kick|smash|get) (the |my |our )?(door|window)s?( down| in)?\b",
        r"\b(break|kick|smash)(ing)? (the|my|our) (door|window)s? (down|in)\b",
        r"^\W*(he|she|they) (has |have )?(found|find) me\b",
        r"\b(he|she|they) (is|are|has|have) (just )?(raped|hit|punched|attacked|stabbed|strangled|"
        r"beaten|battered|kicked|thrown \w+ at|threw \w+ at) (me|us|her|him)\b",
        r"\b(just|has just|have just) (raped|hit|punched|attacked|strangled|beat|beaten|battered|"
        r"kicked|threw|thrown|smashed|grabbed|pushed|dragged|pulled|bundled) (me|us|her|him|the|"
        r"his|my)\b", r"\bburst in\b", r"\b(will not|never) wake up\b",
        r"\b(just|has just|have just) (threw|thrown|chucked) \w+( \w+)? at (me|us|her|him|my)\b",
        r"\b(he|she|they) (will|is going to|are going to) be back (soon|any|in)\b",
        r"\b(got|broke|climbed|came|come) in (through|via) the\b", r"\bagainst the door\b",
        r"\bbarricad\w*", r"\b(no one|nobody) is (leaving|getting out)\b",
        r"\b(saw|seen|spotted) (him|her|them|his|her)\b.{0,40}\b(mins?|minutes?) ago\b",
        r"\b(coming|come) to (take|get|grab) (me|her|him|us|the kids|the children)\b",
        r"\bholding (the|my|our|her|his) (baby|child|son|daughter|kids?) (over|out of)\b",
        r"\bdragg\w* (me|her|him|us)\b", r"\b(it is|its) happening (right )?now\b",
        r"\b(do not|dont) trust myself\b", r"\bnever see (them|the kids|the children|her|him|"
        r"my \w+) again\b", r"\b(cannot|can not) (get up|move|stand up)\b",
        r"\bwith (a|the) (bat|cricket bat|golf club)\b|\b(a|the) bat in\b",
        r"\b(got|has|have|pinned|holding|holds) (me|her|him|us|mummy|mum|mom|mam|my \w+) (on the "
        r"floor|down|against the wall|by the (hair|throat|neck))\b",
        r"\b(got|has|have|had) (me|us|her|him) (cornered|pinned|trapped|in a headlock|by the)\b",
        r"\b(cornered|trapped|pinned) (me|us|her|him)?\b.{0,30}\b(now|hallway|kitchen|room|"
        r"bathroom|bedroom)\b",
        r"\b(locked|barricaded|hiding|hid) (myself|ourselves|us|me)? ?(in|under|behind)\b",
        r"\b(blocking|blocks|blocked) (the|my) (door|doorway|way out)\b",
        r"\b(not|never) (leaving|leave|get out of|getting out of) (this|the) (house|flat|room|"
        r"place)( \w+)? alive\b", r"\b(tonight|today) (i am|you are|youre|im) dead\b",
        r"\b(finish|end) me\b", r"\bin a box\b", r"\b(i am|im|youre|you are) dead\b",
        r"\btaking (me|her|him|them|us) to the (airport|river|canal)\b",
        r"\b(will not|wont|refus\w* to) (give|bring) (her|him|them|the (baby|kids|children)) back\b",
        r"\b(he|she|they) (is|are) (following|chasing|after) (me|us|her)\b",
        r"\b(he|she|they) (is|are) (driving|coming|heading|on (his|her|their) way)\b.{0,30}"
        r"\b(now|tonight|here)\b", r"\b(he|she|they) (is|are)\b.{0,40}\bwaiting for me\b",
        r"\b(i am|im) (getting it|going to get it|in for it)\b",
        r"\b(screaming|shouting|yelling|crying|begging) (for )?help\b",
        r"\b(stood|standing|standing right) over me\b",
        r"\b(is|are|been|has been) (sat|sitting|parked|waiting) in (his|her|their|a|the) (car|van) "
        r"outside my (work|house|flat|door|home)\b",
        r"\bbehind me in (his|her|their|a|the) (car|van)\b|\b(parked|pulled up) (right )?behind me\b",
        r"\b(husband|boyfriend|partner|ex|fella)s (outside|here|downstairs|at the door|on his way)\b",
        r"\b(going|go) for a (little |long )?drive\b.{0,40}\bjust (the two of us|us two|me and him)\b",
        r"\btalk me down\b",
        r"\b(bang|scream|screaming|smash|crash|thud)\b.{0,60}\b(gone|went|going) (dead |really |all |"
        r"totally )?quiet\b",
        r"\b(she|he|they) (is|are) (locked )?in the (bathroom|bedroom|toilet|loo|room|kitchen|car)"
        r"( \w+)? (screaming|crying|sobbing)\b",
        r"\bi can (see|hear) (him|her|them) (right |standing )?(behind|over|next to) (her|him|them)\b",
        r"\b(he|she|they) (is|are|has|have) (been )?(parked|sat|sitting|waiting) (up )?(across|over|"
        r"opposite|outside|down|at the end of) (the|my|our)\b",
        r"\b(scared|afraid|frightened|terrified) to (stay|be|sleep) (here|home|in the house|at home) "
        r"tonight\b",
        r"\b(things|stuff|plates|glasses|glass) (are )?(smashing|breaking|flying|being (smashed|thrown))\b",
        r"\b(messaged|texted|text|sent|wrote)( me)? (just )?help\b",
        r"\b(said|says|told me to|making me|made me) get in the car\b",
        r"\b(is|are) still (screaming|shouting|fighting|yelling|smashing|kicking off|going at it)\b",
        r"\b(he|she|they) (is|has|have) just (walked|driven|drove|been) (past|by|round)\b",
        r"\b(it is|its) kicking off (here|again|now|downstairs|at home)\b",
        r"\bcannot (talk|speak)\b.{0,30}\b(he|she|they) (is|are) (in the room|here|listening|next to me|"
        r"beside me)\b",
        r"\bi can hear (him|her|them|he|she|they)( \w+)? (shouting|screaming|yelling|hitting|smashing|"
        r"banging|kicking|attacking|hurting|throwing|beating|laying into)\b",
        r"\b(it is|its) happening (again )?(now|right now|downstairs|upstairs|next door|in the "
        r"(kitchen|next room|other room|living room|lounge))\b",
        r"\b(blocking|blocks|blocked) me( in| from)?\b",
        r"\bnot allowed to leave (the|this) (chair|room|house|flat|bedroom|kitchen)\b",
        r"\b(he|she|they) (is|are) (sat |sitting |stood |standing )?(right )?(next to|beside) me\b",
        r"^\W*(he|she|they) (knows|found out|has found out) where i (am|live|am staying)\W*$",
        r"\bsay (goodnight|goodbye) to (mummy|mum|your mum|daddy|dad|your dad) properly\b",
        r"\bbefore i (do (\w+ )?something|hurt|hit|kill|batter|strangle)( to)? (her|him|them|someone)\b",
        r"\b(not|never) (letting|let) me (go|leave|out)\b",
        r"\b(is|are|been|has been) (stood|standing|sat|sitting|parked|waiting) (at|outside|in|on|"
        r"near|by) (the end of )?(my|the|our) (road|street|house|flat|door|work|car park|"
        r"drive)\b",
        r"\b(he|she|they) (is|are) (waiting|parked|stood|standing|sat|sitting) (by|at|near|next to|"
        r"outside) (my|the|our) (car|door|gate|house|flat|work|school)\b",
        r"\b(following|chasing) (her|him|them) (now|right now)\b",
        r"\b(coming|come|gone to get|going to get|getting)\b.{0,40}\b(sort|sorting) (me|us|her|him) "
        r"out\b",
        # the writer at the other person's door: the danger is to them
        r"(\bi am |^\W*)(outside|at|on|parked outside|sat outside|sitting outside|stood outside) (her|his|"
        r"their|my exs) (house|door|doorstep|flat|place|work|mums)\b.{0,10}\b(now|right now)\b",
    ],
    "injury": [
        r"\b(bleeding|unconscious|passed out|knocked out|knocked me out)\b",
        r"\b(she is|he is|they are|(mum|mam|mom) is)( \w+){0,4} (not moving|not breathing|unresponsive|"
        r"not getting up|not waking up|will not wake up)\b",
        r"\bmy (ribs?|nose|jaw|arm|wrist|cheekbone|fingers?|leg) (is|are|feels|feel) (broken|"
        r"fractured|cracked)\b",
        r"\b(broke|broken|fractured|cracked) my (nose|jaw|ribs?|arm|wrist|cheekbone|eye socket|"
        r"fingers?|leg)\b", r"\bheadbutt\w*\b",
        r"\bcut me\b", r"\b(got|has|have) a (cut|gash|wound) (on|to) (her|his|my) (head|face)\b", r"\b(pushed|threw|thrown|kicked|shoved) (me|her|him|us) down the stairs\b",
    ],
}
# Signals that need two things anywhere in the message: happening now plus an act. Each part
# is searched on its own: one pattern "now.*act|act.*now" was quadratic in the length of the
# message (a 230 KB message of "he hit me and shouted" took 240 s; the check reads the whole
# text, up to 1 MB).
TOGETHER: dict[str, list[tuple[str, str]]] = {
    "danger_now": [(rf"\b{_NOW}\b", rf"\b{_ACTING}")],
    "injury": [(r"\bpregnan", r"\b(punch|kick|hit|stamp)\w* (me )?(in|on) (the|my) "
                r"(stomach|belly|bump)\b")],
}
_COMPILED = {name: re.compile("|".join(f"(?:{p})" for p in patterns))
             for name, patterns in SIGNAL_PATTERNS.items()}
_TOGETHER = {name: [tuple(re.compile(p) for p in pair) for pair in pairs]
             for name, pairs in TOGETHER.items()}
_TOKEN = re.compile(r"[a-z0-9']+|[^a-z0-9'\s]+")


def normalise(text: str) -> str:
    """Lower-case, plain quotes, text-speak spelled out, letters repeated 3+ times cut to 2."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"([a-z])\1{2,}", r"\1\1", text)
    words = [_WORDS.get(token, _WORDS.get(token.replace("'", ""), token))
             for token in _TOKEN.findall(text)]
    return " ".join(words).replace("'", "")


def signals(text: object) -> set[str]:
    """The urgent signals in a message (an empty set for non-text)."""
    if not isinstance(text, str) or not text.strip():
        return set()
    words = normalise(text)
    found = {name for name, pattern in _COMPILED.items() if pattern.search(words)}
    return found | {name for name, pairs in _TOGETHER.items() if name not in found
                    and any(all(p.search(words) for p in pair) for pair in pairs)}


def in_danger(text: str) -> bool:
    """True when the message says the person (or someone with them) may be in danger now."""
    return bool(signals(text))
