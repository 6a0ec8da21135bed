"""The thin MkDocs adapter: ``mkdocs build`` and ``mkdocs serve`` run the generator first.

It holds no logic of its own (ProperDocs runs it too; Zensical skips plugins, which is why
``python -m generator generate`` does exactly the same step).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from .errors import GeneratorError
from .pipeline import run
from .routes import builder_config
from .search import index_site
from .write import PAGES_READY


class _NoOptions(Config):  # type: ignore[no-untyped-call]  # MkDocs' Config is untyped
    """The plugin takes no options: everything comes from data/ and content/."""


class LocalOfferPlugin(BasePlugin[_NoOptions]):  # type: ignore[no-untyped-call]
    """Generates the pages into ``docs_dir``, and the navigation, before each build, and
    indexes the built site for search after it."""

    generated = False  # by this plugin (not by ``python -m generator build``)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.generated = False
        if os.environ.get(PAGES_READY) == str(Path(config.docs_dir).resolve()):
            return config  # ``python -m generator build`` generated them a moment ago
        root = Path(config.config_file_path).resolve().parent
        try:
            outcome = run(root, until="generate", docs_dir=Path(config.docs_dir))
        except GeneratorError as exc:
            raise PluginError(f"nothing built:\n{exc}") from None
        self.generated = True
        for key, value in builder_config(outcome.site).items():
            if key != "nav" or not config.nav:
                config[key] = value
        return config

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Search and the directory's filters work in a preview too (``python -m generator
        build`` indexes its own staging folder instead)."""
        if self.generated:
            try:
                index_site(Path(config.site_dir))
            except GeneratorError as exc:
                raise PluginError(str(exc)) from None

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when data, hand-written pages or the theme change, not when we write pages."""
        root = Path(config.config_file_path).resolve().parent
        server.unwatch(config.docs_dir)
        for folder in ("data", "content", "theme"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server
