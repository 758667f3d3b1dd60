"""Every rule setting and configuration variable is documented, each settings table exactly as generated."""

import re
from pathlib import Path

import pytest

from scoring.settings import RuleSettings, describe_settings
from scoring.settings_base import markdown_table
from scoring.settings_fsu import FsuSettings
from scoring.settings_productivity import ProductivitySettings
from scoring.settings_strategic import StrategicSettings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_rule_setting_is_in_the_readme():
    missing = [d["name"] for d in describe_settings() if f"`{d['name']}`" not in README]
    assert not missing, f"settings missing from README: {missing}"


@pytest.mark.parametrize("document, cls, command", [
    ("README.md", RuleSettings, "python -m scoring.settings"),
    ("docs/productivity.md", ProductivitySettings, "python -m scoring.settings_productivity"),
    ("docs/fsu.md", FsuSettings, "python -m scoring.settings_fsu"),
    ("docs/strategic.md", StrategicSettings, "python -m scoring.settings_strategic"),
])
def test_each_settings_table_is_the_generated_one(document, cls, command):
    text = (ROOT / document).read_text()
    assert markdown_table(cls) in text, f"{document}: regenerate the settings table with `{command}`"
    assert command in text


def test_every_configuration_variable_is_in_the_readme():
    import config

    source = Path(config.__file__).read_text()
    names = set(re.findall(r'os\.environ(?:\.get)?\(\s*"([A-Z_]+)"', source)) | \
        set(re.findall(r'os\.environ\["([A-Z_]+)"\]', source))
    assert names, "no environment variables found"
    missing = [n for n in sorted(names) if f"`{n}`" not in README]
    assert not missing, f"configuration variables missing from README: {missing}"


def test_one_way_to_set_the_frequent_service_user_rules():
    """The rules file's frequent_service_users section is the only way; the older variable is gone."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for folder in ("app.py", "config.py", "data_access", "scoring", "callbacks", "layouts", "benchmarks", "scripts"):
        path = ROOT / folder
        files += [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in (".py", ".sh"))
    mentions = [str(p.relative_to(ROOT)) for p in files if "BEACON_FSU_RULES_FILE" in p.read_text()]
    assert not mentions, mentions
