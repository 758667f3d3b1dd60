"""Every rule setting and configuration variable is documented in the README."""

from pathlib import Path

from scoring.settings import describe_settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_rule_setting_is_in_the_readme():
    missing = [d["name"] for d in describe_settings() if f"`{d['name']}`" not in README]
    assert not missing, f"settings missing from README: {missing}"


def test_every_configuration_variable_is_in_the_readme():
    import config

    source = Path(config.__file__).read_text()
    import re

    names = set(re.findall(r'os\.environ(?:\.get)?\(\s*"([A-Z_]+)"', source)) | \
        set(re.findall(r'os\.environ\["([A-Z_]+)"\]', source))
    assert names, "no environment variables found"
    missing = [n for n in sorted(names) if f"`{n}`" not in README]
    assert not missing, f"configuration variables missing from README: {missing}"
