"""Guessing limits that do not lock out a room: wrong codes count per phone (its page's token) before they
count per address, so the phones of a meeting room behind one address vote through each other's slips,
while a flood from one address is still stopped."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ballots import services
from ballots.models import Ballot, CodeGuesses
from ballots.tests.factories import issue_and_open, make_session

pytestmark = pytest.mark.django_db
ROOM = "192.0.2.50"  # the meeting room's Wi-Fi: every phone behind one address


@pytest.fixture
def session(world):
    return make_session(world.secretary_a1, world.branch_a1, voters=60)


class Phone:
    """One phone in the room: it loads the voting page (and with it its token), then posts from it."""

    def __init__(self, client, session, address=ROOM):
        self.client, self.session, self.address = client, session, address
        self.url = reverse("ballots:vote", args=[session.public_key])
        self.token = self.token_of(client.get(self.url, REMOTE_ADDR=address))

    @staticmethod
    def token_of(response) -> str:
        return re.search(r'name="device" value="([^"]+)"', response.content.decode()).group(1)

    def vote(self, code, answer="satisfied"):
        response = self.client.post(self.url, {"code": code, "answer": answer, "device": self.token},
                                    REMOTE_ADDR=self.address)
        if response.status_code != 200:
            assert self.token_of(response) == self.token  # a refused phone keeps its token
        return response


def test_fifty_phones_behind_one_address_each_mistyping_five_times_all_vote(client, world, session):
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=50)
    phones = [Phone(client, session) for _code in codes]
    assert len({phone.token for phone in phones}) == 50
    for phone in phones:
        assert [phone.vote("ZZZZZZZZZZ").status_code for _n in range(5)] == [400] * 5
    assert [phone.vote(code).status_code for phone, code in zip(phones, codes, strict=True)] == [200] * 50
    assert Ballot.objects.filter(session=session).count() == 50


def test_one_phone_hammering_is_stopped_by_itself_and_the_room_still_votes(client, world, session, settings):
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=3)
    hammering, neighbour = Phone(client, session), Phone(client, session)
    statuses = [hammering.vote("ZZZZZZZZZZ").status_code for _n in range(settings.BALLOT_GUESS_BLOCK_AFTER + 20)]
    assert statuses[:settings.BALLOT_GUESS_SLOW_AFTER] == [400] * settings.BALLOT_GUESS_SLOW_AFTER
    assert statuses[-1] == 429
    blocked = hammering.vote(codes[0])
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > (settings.BALLOT_GUESS_BLOCK_MINUTES - 1) * 60
    assert "此设备" in blocked.content.decode()
    assert neighbour.vote(codes[1]).status_code == 200  # the phone beside it, same address
    assert Phone(client, session).vote(codes[2]).status_code == 200  # and one that joins later


def test_a_flood_from_one_address_is_stopped_even_with_a_new_token_each_time(client, world, session, settings):
    """10,000 guesses in 10 minutes from one address are stopped: the address is refused after
    ADDRESS_BLOCK_AFTER of them (by default 2,000 within 10 minutes), however many tokens the guesser makes
    up. Run with a lower bar, to be quick; the room's test above runs with the defaults."""
    assert settings.BALLOT_GUESS_ADDRESS_BLOCK_AFTER <= 10_000 and settings.BALLOT_GUESS_WINDOW_MINUTES >= 10
    assert settings.BALLOT_GUESS_ADDRESS_BLOCK_AFTER >= 50 * 5 * 4  # far above what a room mistypes
    settings.BALLOT_GUESS_ADDRESS_BLOCK_AFTER = 300
    good, elsewhere = issue_and_open(actor=world.secretary_a1, session=session, count=2)
    address = services.client_key(ROOM, session.public_key)
    refused = []
    for number in range(settings.BALLOT_GUESS_ADDRESS_BLOCK_AFTER + 5):
        device = services.device_key(f"{number:022d}", ROOM, session.public_key)  # a token of its own each time
        try:
            services.ballot_cast(public_key=session.public_key, code="ZZZZZZZZZZ", answer="satisfied", client=address,
                                 device=device)
        except services.GuessesLimited:
            refused.append(number)
        except ValidationError as wrong:
            assert set(wrong.message_dict) == {"code"}  # a wrong code, refused as such
    assert refused == list(range(settings.BALLOT_GUESS_ADDRESS_BLOCK_AFTER, settings.BALLOT_GUESS_ADDRESS_BLOCK_AFTER + 5))
    assert CodeGuesses.objects.get(client=address).blocked
    response = Phone(client, session).vote(good)  # even a good code from that address waits now
    assert response.status_code == 429 and "此网络" in response.content.decode()
    assert Phone(client, session, address="192.0.2.51").vote(elsewhere).status_code == 200  # the next room votes
