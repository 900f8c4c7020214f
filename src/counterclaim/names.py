"""Name rules shared by the entity stage, the technique rules and the cross-document linker (no spaCy here)."""

from __future__ import annotations

from collections.abc import Iterable

_TITLE_CASE_SHARE = 0.7  # of the words of four letters or more, capitalised: a line set in title case


def is_title_case(words: Iterable[str], *, min_words: int = 0) -> bool:
    """Whether words are set in title case ('Trump Calls Them Thugs'), where a capital marks no name.

    Only words of four letters or more count ('of', 'the', 'and' stay small in a headline); fewer than
    ``min_words`` of them is no title case.
    """
    long = [w for w in words if len(w) > 3]
    return len(long) >= min_words and sum(w[0].isupper() for w in long) >= _TITLE_CASE_SHARE * len(long)


def given_names_fit(short: list[str], full: list[str]) -> bool:
    """Whether the given names (or initials) of a short form appear, in order, among a full name's.

    ``['L', 'M']`` fits ``['Luis', 'Moreno']``; ``['Luis']`` fits ``['Luis', 'Moreno']``;
    ``['Ilham']`` does not fit ``['Heydar']``. Surnames are compared by the caller.
    """
    pos = 0
    for part in short:
        while pos < len(full):
            cand = full[pos]
            pos += 1
            if (len(part) == 1 and cand[:1].upper() == part.upper()) or part.casefold() == cand.casefold():
                break
        else:
            return False
    return True
