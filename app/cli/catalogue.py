"""``leverup catalogue``: the LEVER achievements (15 competences, 3 practitioner roles)."""

from __future__ import annotations

import json

import click

from app.cli._support import Context, fail, pass_context

__all__ = ["catalogue"]


@click.command()
@click.option("--lang", default="en", show_default=True, help="Language of names.")
@click.option("--json", "as_json", is_flag=True, help="Print the OB 3.0 Achievement objects.")
@pass_context
def catalogue(ctx: Context, lang: str, as_json: bool) -> None:
    """List the LEVER achievements: 15 competences and 3 practitioner roles."""
    from badge_classes import Catalogue, UnsupportedLanguageError

    cat = Catalogue.load()
    base_url = ctx.settings.base_url
    try:
        if as_json:
            items = [cat.achievement(slug, base_url=base_url, lang=lang) for slug in cat.slugs()]
            click.echo(json.dumps(items, indent=2, ensure_ascii=False))
            return
        for slug in cat.slugs():
            definition = cat.get(slug)
            group = definition.cluster or "role"
            click.echo(f"{slug:<36} {group:<15} {definition.name(lang)}")
    except UnsupportedLanguageError:
        fail(f"unsupported language {lang!r} (one of: {', '.join(cat.languages)})")
