"""The thin MkDocs adapter: ``mkdocs build`` and ``mkdocs serve`` run the generator first.

It makes no page of its own (ProperDocs runs it too; Zensical skips plugins, which is why
``python -m generator generate`` does exactly the same step, and ``build`` mends Zensical's
pages itself). What it adds is for the preview: a data error shown in the open page, a
redraw after a theme change, and a search index that catches up after each rebuild.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import logging
import os
import re
import shutil
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from .build import INCREMENTAL, inputs_digest, shown_everywhere
from .errors import GeneratorError
from .memo import Compiled, Memo
from .mend import mend_page
from .pipeline import run
from .render import show_problem
from .routes import builder_config
from .search import index_site
from .write import PAGES_READY

#: A page as the generator writes it (``render._page``, after its front matter): its banner,
#: then its body, one line of inert HTML (``sanitise.inert``) that Markdown passes through.
_GENERATED = re.compile(r'\A(<!-- [^\n]* -->\n\n)(<div class="lo-body"[^\n]*</div>)\n?\Z')
#: What Markdown is given in the body's place (it passes this through too).
_HELD = '<div class="lo-held"></div>'


class _NoOptions(Config):  # type: ignore[no-untyped-call]  # MkDocs' Config is untyped
    """The plugin takes no options: everything comes from data/ and content/."""


class LocalOfferPlugin(BasePlugin[_NoOptions]):  # type: ignore[no-untyped-call]
    """Generates the pages into ``docs_dir``, and the navigation, before each build, and
    indexes the built site for search after it."""

    def __init__(self) -> None:
        """What a preview keeps from one rebuild to the next: MkDocs keeps a plugin that has
        ``on_startup`` for the whole of ``mkdocs serve``, so this is the preview session."""
        self.generated = False  # by this plugin (not by ``python -m generator build``)
        self.serving = False  # under ``mkdocs serve``: index for search, not holding up pages
        self.port_unchecked = False  # a preview starting: its port is looked at first of all
        self.memo: Memo | None = None  # a preview's, given to each rebuild (``memo``)
        self.theme = Compiled()  # MkDocs' own templates, compiled once (its Jinja options)
        self.settings: dict[str, Any] = {}  # the menu and names of the last build that worked
        self.everywhere = b""  # what every page shows (``build.shown_everywhere``), this build
        self.seen: tuple[bytes, bytes] | None = None  # inputs_digest and that, at last build
        self.indexing = threading.Lock()  # one search index of the preview at a time
        self.held: dict[str, str] = {}  # pages' bodies, kept from Markdown (on_page_markdown)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """A preview (``mkdocs serve --dirty``, as ``make serve`` runs it) rebuilds only the
        pages whose files changed; the generator rewrites only those. MkDocs warns about
        every such build, which strict mode would count as a failure: that one warning is
        dropped, as the preview (and an incremental build) is dirty on purpose. ProperDocs,
        MkDocs' fork, warns the same under its own name."""
        self.serving = self.port_unchecked = command == "serve"
        self.memo = Memo(across_runs=True) if self.serving else None
        if dirty:
            for builder in ("mkdocs", "properdocs"):
                logging.getLogger(f"{builder}.commands.build").addFilter(_not_the_dirty_warning)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.generated = False
        if self.port_unchecked:  # before the first build, not after each save
            self.port_unchecked = False
            host, port = config.dev_addr
            if taken := port_problem(host, port):
                print(taken, file=sys.stderr)  # one line, not MkDocs' traceback at the end
                raise SystemExit(1)
        if os.environ.get(PAGES_READY) == str(Path(config.docs_dir).resolve()):
            return config  # ``python -m generator build`` generated them a moment ago
        root = Path(config.config_file_path).resolve().parent
        try:
            outcome = run(root, until="generate", docs_dir=Path(config.docs_dir), memo=self.memo)
        except GeneratorError as exc:
            if not self.serving:
                raise PluginError(f"nothing built:\n{exc}") from None
            # In a preview, the open page itself says what is wrong, every time, and comes
            # back by itself once the file is fixed and saved.
            _PREVIEW_LOG.error("The preview shows this until it is fixed:\n%s", exc)
            show_problem(Path(config.docs_dir), exc)
            settings = self.settings or {"nav": [{"Home": "index.md"}]}
        else:
            self.generated = True
            # A preview's reload script is inline, so the policy is left out of its pages.
            self.settings = settings = builder_config(outcome.site, policy=not self.serving)
            self.everywhere = shown_everywhere(settings, outcome.pages)
        for key, value in settings.items():
            if key == "extra":  # added to mkdocs.yml's own extra settings, not instead
                config["extra"] = {**(config.get("extra") or {}), **value}
            elif key != "nav" or not config.nav:
                config[key] = value
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """A preview rebuilds only the pages whose files changed, which a change to what
        every page shows does not touch: the theme, mkdocs.yml, the menu and the header's
        and footer's values (``build.shown_everywhere``). After one, the site is drawn
        afresh."""
        if not self.serving:
            return
        root = Path(config.config_file_path).resolve().parent
        seen = (inputs_digest(root), self.everywhere)
        site = Path(config.site_dir)
        if self.seen not in (None, seen) and site.is_dir():
            for child in site.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        self.seen = seen

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Any) -> Any:
        """The theme's templates are compiled once per preview, not once per rebuild."""
        env.bytecode_cache = self.theme  # its own: its Jinja options differ from ours
        return env

    def on_files(self, files: Any, *, config: MkDocsConfig) -> Any:
        """In an incremental build (``build.INCREMENTAL``), each file the builder will copy
        again is removed first, so that it is copied as a new file and not into the hard
        link the staging folder holds (the published site's file)."""
        if _incremental(config):
            for file in files:
                if not file.is_documentation_page() and file.is_modified():
                    Path(file.abs_dest_path).unlink(missing_ok=True)
        return files

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Any) -> Any:
        """In an incremental build, the menu's pages that are not made again are still
        read, for the titles every page's header shows (MkDocs' ``--dirty`` reads only the
        pages it makes, and a page not read has no title)."""
        if _incremental(config):
            for page in nav.pages:
                if page.markdown is None:
                    page.read_source(config)
        return nav

    def on_page_markdown(
        self, markdown: str, *, page: Any, config: MkDocsConfig, files: Any
    ) -> str:
        """Markdown is spared the body of each page the generator wrote (``render._page``):
        one line of inert HTML, which it would parse only to pass it through untouched (at
        a county's size, most of MkDocs' time). The body is held back here, and put back
        into the HTML that Markdown makes of the rest (``on_page_content``): the same page,
        byte for byte. A page of any other shape is converted as it is."""
        found = _GENERATED.match(markdown)
        if found is None:
            return markdown
        self.held[page.file.src_uri] = found.group(2)
        return found.group(1) + _HELD

    def on_page_content(self, html: str, *, page: Any, config: MkDocsConfig, files: Any) -> str:
        """The body held back from Markdown (``on_page_markdown``), where it stood."""
        body = self.held.pop(page.file.src_uri, None)
        if body is None:
            return html
        before, held, after = html.rpartition(_HELD)
        if not held:
            raise PluginError(f"{page.file.src_uri}: Markdown changed the page's body")
        return before + body + after

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        """Each page with Material's markup that no block reaches mended (``mend``); the
        build stops if a theme upgrade changed that markup (``mend_page``)."""
        if _incremental(config):  # written next, as a new file (``on_files``)
            Path(page.file.abs_dest_path).unlink(missing_ok=True)
        return _mended(output, page.file.dest_uri)

    def on_post_template(self, output_content: str, *, template_name: str, config: Any) -> str:
        """The same for the pages made from a template alone (404.html)."""
        if _incremental(config):  # written next, as new files (``on_files``)
            for name in (template_name, f"{template_name}.gz"):  # sitemap.xml's copy too
                (Path(config.site_dir) / name).unlink(missing_ok=True)
        if not template_name.endswith(".html"):
            return output_content
        return _mended(output_content, template_name)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Search and the directory's filters work in a preview too (``python -m generator
        build`` indexes its own staging folder instead)."""
        if not self.generated:
            return
        if self.serving:  # the page shows at once; search catches up a moment later
            threading.Thread(
                target=_index_quietly, args=(Path(config.site_dir), self.indexing), daemon=True
            ).start()
            return
        try:
            index_site(Path(config.site_dir))
        except GeneratorError as exc:
            raise PluginError(str(exc)) from None

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when data, hand-written pages or the theme change, not when we write pages."""
        root = Path(config.config_file_path).resolve().parent
        server.unwatch(config.docs_dir)
        # MkDocs polls for changes every 0.5 s; a tenth of that makes a save show sooner
        # (watchdog's observer reads it when each folder below is watched).
        if hasattr(server.observer, "_timeout"):
            server.observer._timeout = 0.1
        for folder in ("data", "content", "theme"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server


_PREVIEW_LOG = logging.getLogger(__name__)  # not MkDocs': strict mode would count it


def _index_quietly(site: Path, indexing: threading.Lock) -> None:
    """Index a preview's site for search, each index after the last. A failure is logged
    outside MkDocs' loggers, which would count it against the next build in strict mode."""
    with indexing:
        try:
            index_site(site)
        except GeneratorError as exc:
            _PREVIEW_LOG.warning("search index: %s", exc)


def _incremental(config: Any) -> bool:
    """Whether this is an incremental build's builder, writing into its staging folder."""
    return os.environ.get(INCREMENTAL) == str(Path(config.site_dir).resolve())


def _mended(html: str, page: str) -> str:
    """``mend_page``, its ``BuildError`` raised as the ``PluginError`` that stops MkDocs."""
    try:
        return mend_page(html, page)
    except GeneratorError as exc:
        raise PluginError(str(exc)) from None


def _not_the_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def port_problem(host: str, port: int) -> str | None:
    """Why a preview cannot listen on ``host:port``, in one line, if it cannot.

    Tried as MkDocs' server will bind it (with ``SO_REUSEADDR``, so a port left in
    TIME_WAIT by a preview just stopped counts as free); a port another program listens on,
    such as a preview already running, is taken.
    """
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    except ValueError:
        family = socket.AF_INET  # a host name, such as localhost
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return (
                f"port {port} is taken, perhaps by a preview already running "
                f"(http://{host}:{port}/); to start another, use: make serve PORT={port + 1}"
            )
        return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def main(argv: list[str] | None = None) -> int:
    """``python -m generator.plugin --port 8000``: exit 1 with one line if a preview could
    not listen there (``make serve`` asks before it generates anything)."""
    parser = argparse.ArgumentParser(
        prog="python -m generator.plugin", description="Is the preview's port free?"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        print(f"PORT={args.port} is not a port: use a number from 1024 to 65535", file=sys.stderr)
        return 1
    taken = port_problem(args.host, args.port)
    if taken:
        print(taken, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
