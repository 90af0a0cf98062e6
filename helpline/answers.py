"""The wording of the assistant's composed answers, one sentence or two per route
(bot/actions/respond.py puts them together in a fixed order).

A phone number is never written here: ``{service-id}`` is filled from the directory's national
services, which carry their sources. The directory check (helpline/directory/validate.py)
reads the ids from here, so an officer can't rename or delete a service an answer needs; this
module imports nothing, so that check stays fast (importing the action module costs 4.5 s:
spaCy, TensorFlow, rasa_sdk).
"""
from __future__ import annotations

PARTS = {
    "first_contact": "I'm an automated assistant, not a person or the police. Type exit at any "
                     "time to end and erase this chat.",
    "victim": "What you describe is not OK, and it is not your fault.",
    "young_person": "Thank you for telling me. What is happening is not your fault, and you "
                    "deserve to be safe.",
    "concerned_other": "It's good you're looking out for them. Listen and believe them, talk "
                       "when they're alone, don't confront the person harming them, and let "
                       "them choose.",
    "own_behaviour": "Thank you for being honest about this. Change is possible. The Respect "
                     "Phoneline is confidential and non-judgemental, for anyone worried about "
                     "how they treat a partner or family member: {respect-phoneline}.",
    "male": "Men's Advice Line, for men experiencing abuse: {mens-advice-line}.",
    "lgbt": "Galop, the National LGBT+ Domestic Abuse Helpline: {galop-helpline}.",
    "forced_marriage": "No one can force anyone to marry, and honour is never an excuse for "
                       "abuse. Karma Nirvana: {karma-nirvana-helpline}.",
    "sexual_violence": "Rape Crisis 24/7 Support Line, whether it was recent or long ago: "
                       "{rape-crisis-support-line}.",
    "stalking": "Stalking is a crime; keep a record if it's safe to. National Stalking "
                "Helpline: {national-stalking-helpline}.",
    "children": "Children who see or hear abuse are victims too. Childline is there for "
                "them, free: {childline}.",
    "immigration": "Help is there whatever your immigration status: the helpline can look for "
                   "a refuge that takes people with no recourse to public funds, and on a "
                   "partner visa ask about the Migrant Victims of Domestic Abuse Concession.",
    "safe_tonight": "For somewhere safe to stay, the helpline below can look for refuge space "
                    "with you, day or night.",
    "money": "Taking money or wages, or running up debts in someone's name, is economic "
             "abuse.",
    "tech": "If they may be tracking a phone or reading messages, use a device they can't "
            "check, and only clear history if that's safe.",
    "family": "Abuse by a family member or carer is domestic abuse too.",
    "childline": "Childline is free and private for anyone under 19, any time: {childline}.",
    "helpline": "National Domestic Abuse Helpline, free, 24 hours: "
                "{national-domestic-abuse-helpline}.",
    "ask_place": "Tell me your town or postcode (like ST13) and I'll look for local services.",
}
