"""JSON Schemas of the data files, made from ``models``, so an editor checks as staff type.

VS Code's YAML extension (and any editor using yaml-language-server) reads the schema that
a data file names on its first line, ``# yaml-language-server: $schema=../schemas/…``, to
complete field names and term ids, show each field's description and underline mistakes.

The schemas say what ``check`` says, as far as a schema can, for a reader that differs from
ours: the language server reads YAML 1.2, where ``yes`` and ``2026-11-20`` are text and
``01632960000`` is a number, while ``load`` reads every value as text and lets the models
convert it. So text fields also take numbers and true/false (``cost: 0``), yes/no fields
take the words ``check`` takes, and ids and phone numbers also take whole numbers.
Term ids are listed from the project's own ``vocabularies.yaml``, which is why the schemas
are written per project, into ``schemas/``, by every ``generate`` and ``build``; ``check``
warns when the ones there are out of date. What needs several records or the files of
``content/`` (duplicate ids, stages in order, dates in order, a document's file) is beyond
a schema and left to ``check``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from . import models
from .errors import BuildError, Problem, printable
from .kinds import files
from .load import kind_of

SCHEMAS_DIR = "schemas"

#: What pydantic reads as yes or no, in any mix of capitals (``check`` says "is not yes or no").
_YES_NO = "^(?:[Yy](?:[Ee][Ss])?|[Nn][Oo]?|[Tt](?:[Rr][Uu][Ee])?|[Ff](?:[Aa][Ll][Ss][Ee])?|[Oo](?:[Nn]|[Ff][Ff])|[01])$"  # noqa: E501


def schema_name(data_file: str) -> str:
    """``services.yaml`` → ``services.schema.json``."""
    return data_file.removesuffix(".yaml") + ".schema.json"


def modeline(key: str) -> str:
    """The first line that ties ``data/<key>`` (``services/acme.yaml`` too) to its schema."""
    up = "../" * (key.count("/") + 1)
    return f"# yaml-language-server: $schema={up}{SCHEMAS_DIR}/{schema_name(kind_of(key))}"


def schemas(vocabularies: models.Vocabularies | None) -> dict[str, bytes]:
    """Every data file's schema, by file name under ``schemas/``, with the project's term
    ids where a field takes them (without vocabularies, any well-formed id)."""
    terms = {
        name: [(term.id, term.name) for term in getattr(vocabularies, name)]
        for name in type(vocabularies).model_fields
    } if vocabularies else {}  # fmt: skip
    made = {}
    for data_file, (model, _required) in files().items():
        schema = _editor(_pydantic_schema(model), terms)
        schema = {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": f"data/{data_file}",
            **{k: v for k, v in schema.items() if k != "title"},
        }
        text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        made[schema_name(data_file)] = text.encode("utf-8")
    return made


def out_of_date(root: Path, vocabularies: models.Vocabularies) -> list[Problem]:
    """A warning for each schema in ``schemas/`` that differs from what the models and the
    vocabularies make now (none when the project keeps no ``schemas/`` folder)."""
    folder = root / SCHEMAS_DIR
    if not folder.is_dir():
        return []
    return [
        Problem(
            f"{SCHEMAS_DIR}/{name}", 1, "",
            "warning: out of date with the data files' rules or vocabularies.yaml, so an "
            "editor checks against old ones; `make site` writes it afresh",
        )
        for name, data in schemas(vocabularies).items()
        if not (folder / name).is_file() or (folder / name).read_bytes() != data
    ]  # fmt: skip


def write_schemas(root: Path, vocabularies: models.Vocabularies) -> None:
    """Write the schemas that changed into ``schemas/`` (other files there are left).

    A folder that cannot be written (read-only, a full disk) is ``BuildError``'s one line,
    naming it (a schema cut short differs from what it should be, so ``check`` reports it
    as out of date until a build writes it whole).
    """
    folder = root / SCHEMAS_DIR
    try:
        folder.mkdir(exist_ok=True)
        for name, data in schemas(vocabularies).items():
            path = folder / name
            if not path.is_file() or path.read_bytes() != data:
                path.write_bytes(data)
    except OSError as exc:
        where = printable(str(folder))
        raise BuildError(f"cannot write {where}: {exc.strerror or printable(str(exc))}") from None


@cache
def _pydantic_schema(model: type[models.Record]) -> dict[str, Any]:
    """The model's own JSON Schema (made once: only the term ids differ by project)."""
    return model.model_json_schema()


def _editor(node: Any, terms: dict[str, list[tuple[str, str]]]) -> Any:
    """A copy of pydantic's schema rewritten for the language server (see the module)."""
    if isinstance(node, list):
        return [_editor(item, terms) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _editor(value, terms) for key, value in node.items()}
    if isinstance(node.get("properties"), dict):
        for field in node["properties"].values():
            field.pop("title", None)  # "Min Age": the description says more
    vocabulary, digits = node.pop("x-vocabulary", None), node.pop("x-digits", False)
    kind = node.get("type")
    if node.pop("x-one-or-list", False):  # ``levels: universal`` for a one-item list
        node = _about(node) | {"anyOf": [node["items"], _rules(node)]}
    elif vocabulary in terms:
        ids, names = zip(*terms[vocabulary], strict=True) if terms[vocabulary] else ((), ())
        for key in ("type", "pattern", "maxLength"):
            node.pop(key, None)
        node.update(enum=list(ids), enumDescriptions=list(names))
    elif kind == "string" and digits:
        node = _about(node) | {
            "anyOf": [_rules(node), {"type": "integer", "minimum": 0}]
        }  # fmt: skip
    elif kind == "string" and not {"pattern", "format", "enum"} & node.keys():
        node["type"] = ["string", "number", "boolean"]  # every scalar is text to ``check``
    elif kind == "boolean":
        node = _about(node) | {
            "anyOf": [{"type": "boolean"}, {"enum": ["yes", "no"]},
                      {"type": "string", "pattern": _YES_NO}, {"enum": [0, 1]}]
        }  # fmt: skip
    if "$ref" in node and len(node) > 1:  # draft 7 ignores a $ref's neighbours
        node["allOf"] = [{"$ref": node.pop("$ref")}]
    return node


def _about(node: dict[str, Any]) -> dict[str, Any]:
    """The words and default of a field's schema, which stay beside an ``anyOf``."""
    return {key: node[key] for key in ("title", "description", "default") if key in node}


def _rules(node: dict[str, Any]) -> dict[str, Any]:
    """The rest: what a value must be."""
    return {key: value for key, value in node.items() if key not in _about(node)}
