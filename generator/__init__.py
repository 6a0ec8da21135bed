"""Local Offer website generator: plain YAML and markdown files in, a static MkDocs site out.

The pipeline is one module per stage: ``load`` (YAML with file and line of every value) →
``validate`` (closed schemas in ``models``, every error at once) → ``render`` (pure Jinja2
functions) → ``write`` (ordinary markdown pages in ``build/docs``) → ``build`` (the builder
turns them into ``site/``). ``plugin`` lets plain ``mkdocs build``/``serve`` run the stages;
``cli`` is ``python -m generator``.
"""
