"""`bulk-loader sample`: regenerate the demo's customer files with times relative to now."""

from __future__ import annotations

from pathlib import Path

import click

from bulk_loader.sample import DELIBERATE, write_samples


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("sample_data"), show_default=True, help="Folder to write into.")
@click.option("--rows", type=click.IntRange(min=3000), default=3000, show_default=True)
@click.option("--seed", type=int, default=8, show_default=True)
def sample(out_dir: Path, rows: int, seed: int) -> None:
    """Write customers.csv and customers.xlsx with call times in the next days."""
    csv_path, xlsx_path = write_samples(out_dir, rows, seed=seed)
    click.echo(f"wrote {csv_path} and {xlsx_path}: {rows} rows, "
               f"{len(DELIBERATE)} of them wrong on purpose")
