"""`counterclaim train checkworthy | technique-vectors`: re-fit the models shipped in the package."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from counterclaim.cli.common import app, err

train_app = typer.Typer(help="Re-fit the models shipped in the package from their training data.",
                        no_args_is_help=True, rich_markup_mode="markdown")
app.add_typer(train_app, name="train")


@train_app.command("checkworthy")
def train_checkworthy(
    data: Annotated[Path, typer.Option("--data", help="ClaimBuster crowdsourced.csv (the training file).")
                    ] = Path("../shared/bench/claimbuster/crowdsourced.csv"),
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="Model file to write (default: the "
                                                  "packaged data/checkworthy_model.json).")] = None,
    cache: Annotated[Path | None, typer.Option("--cache", help="Keep the sentence embeddings here (.npy).")
                     ] = None,
) -> None:
    """Fit the check-worthiness model (TF-IDF, part-of-speech and MiniLM blocks stacked; settings by cross-validation).

    Example:

      counterclaim train checkworthy --data ../shared/bench/claimbuster/crowdsourced.csv
    """
    from importlib.resources import files

    from counterclaim.checkworthy.model import MODEL_FILE
    from counterclaim.checkworthy.train import train
    from counterclaim.errors import UsageError

    if not data.is_file():
        raise UsageError(f"no training file at {data}", code="E002")
    target = out_path or Path(str(files("counterclaim").joinpath("data", MODEL_FILE)))
    train(data, target, cache=cache, log=lambda line: err.print(line, markup=False))


@train_app.command("technique-vectors")
def train_technique_vectors() -> None:
    """Encode the technique example sentences (data/techniques_examples.jsonl) into the shipped vectors file.

    Run it after editing the examples; until then the examples are encoded at run time.
    """
    from counterclaim.extract.techniques.neighbours import vectors_path, write_vectors

    n = write_vectors()
    err.print(f"wrote {n} example vectors to {vectors_path()}", markup=False)
