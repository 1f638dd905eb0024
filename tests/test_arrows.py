"""The arrows between the apps (docs/architecture.md), beyond what import-linter sees: a string crosses
an arrow as surely as an import does. An app may not name, in its code or its templates, the URL names,
model labels or reverse relations (`tenancies__…`, `household.tenancies`) of an app above it.

The layers are read from import-linter's contract in pyproject.toml (one list for both checks); the
forbidden names are derived from the apps' models and URL namespaces, so a new relation or app is
covered without editing this test."""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import get_resolver

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {"migrations", "locale", "__pycache__", "static"}
# The project's settings and URLconf list every app (INSTALLED_APPS, `include("housing.urls")`).
PROJECT_FILES = {"boveileder/settings", "boveileder/urls.py"}
SUFFIXES = {".py", ".html", ".txt", ".js", ".xml"}


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return {"root_packages": config["root_packages"], "layers": layers["layers"]}


def layer_ranks() -> dict[str, int]:
    """Each app's height: 0 for the core; apps on one line of the contract (`a | b`) share one."""
    layers = list(reversed(_contract()["layers"]))
    ranks = {}
    for rank, line in enumerate(layers):
        for name in re.split(r"[|:]", line):
            ranks[name.strip().strip("()")] = rank
    return ranks


def independent_siblings() -> set[frozenset]:
    """Pairs of apps on one line joined by `|`: neither may name the other."""
    pairs = set()
    for line in _contract()["layers"]:
        if "|" in line:
            names = [n.strip().strip("()") for n in line.split("|")]
            pairs |= {frozenset((a, b)) for a in names for b in names if a != b}
    return pairs


@dataclass(frozen=True)
class Names:
    """What app `owner` is known by: its URL namespaces, its model labels, and the reverse relations
    its models add to models of the apps `onto` (the lower ones)."""

    namespaces: frozenset
    labels: frozenset
    reverse: frozenset  # (name, the lower app it lands on)


def _reverse_relations(owner: str):
    for model in apps.get_app_config(owner).get_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model):
                continue
            target = field.related_model._meta.app_label
            if target == owner or (field.remote_field.related_name or "").endswith("+"):
                continue  # within the app, or no reverse relation at all
            yield field.remote_field.get_accessor_name(), target
            yield field.related_query_name(), target


def names_of(owner: str) -> Names:
    namespaces = {
        namespace
        for namespace, (_, resolver) in get_resolver().namespace_dict.items()
        if getattr(resolver.urlconf_module, "__name__", "").split(".")[0] == owner
    }
    labels = {model._meta.label for model in apps.get_app_config(owner).get_models()}
    return Names(frozenset(namespaces), frozenset(labels), frozenset(_reverse_relations(owner)))


def patterns_for(names: Names, reader: str, ranks: dict[str, int]) -> list[re.Pattern]:
    """What `reader` may not write about the app `names` describes."""
    found = [re.compile(rf"""["']{re.escape(ns)}:\w""") for ns in names.namespaces]
    found += [re.compile(rf"\b{re.escape(label)}\b", re.IGNORECASE) for label in names.labels]
    if names.labels:
        app = next(iter(names.labels)).split(".")[0]
        found.append(re.compile(rf"""get_model\(\s*["']{app}["']"""))
    for name, target in names.reverse:
        if ranks.get(target, 0) > ranks[reader]:
            continue  # lands on a model of an app the reader does not see either
        word = re.escape(name)
        found += [
            re.compile(rf"\b{word}__\w"),  # an ORM path
            re.compile(rf"""["']{word}["']"""),  # prefetch_related("x"), FilteredRelation("x")
            re.compile(rf"\w\.{word}\b(?!\()"),  # household.tenancies, in code or a template
        ]
    return found


def _folders(app: str):
    """The app's package, and its part of the project's templates: `templates/<app>/`, and for the
    core the project's own pages (`base.html`, `registration/`)."""
    yield Path(apps.get_app_config(app).path)
    templates = ROOT / "templates"
    if app == "boveileder":
        yield templates
    elif (templates / app).is_dir():
        yield templates / app


def _paths(folder: Path):
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(ROOT / "templates").parts if path.is_relative_to(ROOT / "templates") else ()
        if parts and parts[0] in set(local_apps()) - {"boveileder"}:
            continue  # another app's part of the project's templates
        yield path


def app_files(app: str):
    for base in _folders(app):
        yield from _app_files_in(base)


def _app_files_in(base: Path):
    for path in _paths(base):
        relative = path.relative_to(ROOT).as_posix()
        if any(relative.startswith(project) for project in PROJECT_FILES):
            continue
        if path.suffix in SUFFIXES and not SKIPPED_DIRS & set(path.relative_to(base).parts):
            yield path


def crossings(text: str, patterns) -> list[str]:
    hits = []
    for number, line in enumerate(text.splitlines(), 1):
        match = next((m for m in (p.search(line) for p in patterns) if m), None)
        if match:
            hits.append(f"{number}: {match.group(0)!r} in {line.strip()[:100]}")
    return hits


def local_apps() -> list[str]:
    return [
        c.label
        for c in apps.get_app_configs()
        if Path(c.path).is_relative_to(ROOT) and not Path(c.path).is_relative_to(ROOT / ".venv")
    ]


def forbidden_pairs():
    """(reader, owner): every app and each app it may not name."""
    ranks, siblings = layer_ranks(), independent_siblings()
    installed = set(local_apps())
    for reader in sorted(installed & ranks.keys()):
        for owner in sorted(installed & ranks.keys()):
            if ranks[owner] > ranks[reader] or frozenset((reader, owner)) in siblings:
                yield reader, owner


def test_every_app_is_in_the_contract():
    """A new app is placed in the layers (pyproject.toml) when it lands, so its arrows are checked."""
    contract = _contract()
    missing = set(local_apps()) - set(contract["root_packages"])
    assert not missing, f"add {sorted(missing)} to [tool.importlinter] in pyproject.toml"
    assert set(layer_ranks()) <= set(contract["root_packages"])


@pytest.mark.parametrize(("reader", "owner"), list(forbidden_pairs()))
def test_no_names_cross_an_arrow_the_wrong_way(reader, owner):
    patterns = patterns_for(names_of(owner), reader, layer_ranks())
    found = []
    for path in app_files(reader):
        for hit in crossings(path.read_text(encoding="utf-8"), patterns):
            found.append(f"{path.relative_to(ROOT)}:{hit}")
    assert not found, f"{reader} names {owner}:\n" + "\n".join(found)


def test_the_check_sees_each_kind_of_crossing():
    """The scan finds an ORM path, a reverse accessor, a relation name, a URL name and a model label of
    housing written in cases (what this test exists to catch), and leaves cases' own words alone."""
    patterns = patterns_for(names_of("housing"), "cases", layer_ranks())
    crossing = [
        'Household.objects.filter(tenancies__unit__address="x")',
        "{% for t in household.tenancies.all %}",
        'household.tenancies.annotate(f=FilteredRelation("flags"))',
        'prefetch_related("tenancies")',
        "{% url 'housing:unit_list' %}",
        'WORKING_NOTES = [("housing.Tenancy", "household")]',
        'apps.get_model("housing", "Tenancy")',
    ]
    for line in crossing:
        assert crossings(line, patterns), line
    for line in ['housing_at_start="x"', "row.tenancy_start", "{% url 'cases:household_detail' h.pk %}"]:
        assert not crossings(line, patterns), line
