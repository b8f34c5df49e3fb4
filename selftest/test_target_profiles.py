"""Target profiles and run configuration: precedence, and one sentence per mistake."""

from __future__ import annotations

import datetime as dt

import pytest

from positions_harness.config import resolve_config
from positions_harness.errors import ConfigError
from positions_harness.locations import TARGETS_DIR
from positions_harness.targets import load_target, parse_target


@pytest.mark.parametrize("path", sorted(TARGETS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_committed_profiles_load(path):
    assert load_target(str(path)).name == path.stem


def test_sample_profile_declares_deviations_with_expiry_and_unclaimed_features():
    sample = load_target("example-vendor")
    assert sample.unclaimed == {"paging"}
    (deviation,) = sample.known_deviations
    assert deviation.expires == dt.date(2027, 6, 30)
    assert not deviation.expired(dt.date(2027, 6, 30)) and deviation.expired(dt.date(2027, 7, 1))


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        ({"colour": "blue"}, "unknown keys ['colour']"),
        ({"token": {"value": "abc"}}, "never put a token in a profile"),
        ({"unclaimed": ["teleport"]}, "unclaimed must be a list drawn from"),
        (
            {"limits": {"timeout_seconds": "fast"}},
            "limits.timeout_seconds must be a positive number",
        ),
        ({"limits": {"speed": 1}}, "unknown limits ['speed']"),
        ({"known_deviations": [{"requirement": "POS-GET-004"}]}, "needs 'requirement' and 'link'"),
        (
            {"known_deviations": [{"requirement": "X", "link": "y", "expires": "soon"}]},
            "is not a YYYY-MM-DD date",
        ),
        (["not", "a", "mapping"], "must be a mapping"),
    ],
    ids=[
        "unknown-key",
        "inline-token",
        "unknown-feature",
        "bad-limit",
        "unknown-limit",
        "deviation-without-link",
        "bad-expiry",
        "not-a-mapping",
    ],
)
def test_malformed_profile_is_refused_with_a_sentence_naming_the_key(data, phrase):
    with pytest.raises(ConfigError) as error:
        parse_target(data, "Target profile t.yaml")
    assert phrase in str(error.value)


def test_invalid_yaml_names_the_line(tmp_path):
    profile = tmp_path / "t.yaml"
    profile.write_text("name: t\nlimits: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_target(str(profile))


def test_options_beat_environment_beat_profile(tmp_path):
    profile = tmp_path / "vendor.yaml"
    profile.write_text("base_url: https://profile.example/beta\ntoken: {env: VENDOR_TOKEN}\n")
    env = {"VENDOR_TOKEN": "t", "BASE_URL": "https://env.example/beta"}
    assert resolve_config({"target": str(profile)}, env).base_url == "https://env.example/beta"
    assert (
        resolve_config(
            {"target": str(profile), "base_url": "https://cli.example/beta/"}, env
        ).base_url
        == "https://cli.example/beta"
    )
    assert resolve_config({"target": str(profile)}, {"VENDOR_TOKEN": "t"}).base_url == (
        "https://profile.example/beta"
    )


def test_the_token_comes_from_the_variable_the_profile_names(tmp_path):
    profile = tmp_path / "vendor.yaml"
    profile.write_text("base_url: https://v.example/beta\ntoken: {env: VENDOR_TOKEN}\n")
    with pytest.raises(ConfigError, match="VENDOR_TOKEN is not set"):
        resolve_config({"target": str(profile)}, {"GRAPH_TOKEN": "wrong-variable"})


def test_no_base_url_means_the_bundled_reference_with_a_generated_token():
    config = resolve_config({}, {})
    assert config.uses_bundled_reference and config.target.name == "reference"
    assert config.token and "reference" in config.token.reveal()
