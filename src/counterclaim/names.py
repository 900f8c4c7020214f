"""Person-name rules shared by the entity stage and the cross-document linker (no spaCy here)."""

from __future__ import annotations


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
