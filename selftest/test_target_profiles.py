"""Target profiles and run configuration: precedence, and one sentence per mistake."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest

from positions_harness.cli import main
from positions_harness.config.harness_config import resolve_config
from positions_harness.config.target_listing import list_targets
from positions_harness.config.targets import load_target, parse_target
from positions_harness.errors import ConfigError
from positions_harness.locations import TARGETS_DIR


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
        (
            {"known_deviations": [{"requirement": "POS-GET-999", "link": "https://t/1"}]},
            "known_deviations name ['POS-GET-999'], which openapi/requirements.yaml does not have",
        ),
        ({"strict": "sometimes"}, "strict must be true or false"),
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
        "deviation-of-an-unknown-requirement",
        "strict-not-a-boolean",
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


class FakeCredential:
    def __init__(self, *args, **kwargs) -> None:
        self.args = args

    def get_token(self, scope: str):
        assert scope == "https://graph.microsoft.com/.default"
        return type("AccessToken", (), {"token": "from-azure-" + "-".join(self.args)})()


def azure_profile(tmp_path, provider: str) -> str:
    profile = tmp_path / "azure.yaml"
    profile.write_text(f"base_url: https://graph.example/beta\ntoken: {{provider: {provider}}}\n")
    return str(profile)


def test_azure_client_credentials_supply_the_token_when_the_variable_is_empty(
    tmp_path, monkeypatch
):
    fake = type(sys)("azure.identity")
    fake.ClientSecretCredential = FakeCredential
    monkeypatch.setitem(sys.modules, "azure.identity", fake)
    env = {"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "s"}
    config = resolve_config({"target": azure_profile(tmp_path, "azure-client-credentials")}, env)
    assert config.token.reveal() == "from-azure-t-c-s"


def test_a_provider_without_its_variables_or_package_is_one_sentence(tmp_path, monkeypatch):
    profile = azure_profile(tmp_path, "azure-client-credentials")
    monkeypatch.setitem(sys.modules, "azure.identity", None)  # not installed
    with pytest.raises(ConfigError, match="needs azure-identity"):
        resolve_config({"target": profile}, {})
    monkeypatch.setitem(sys.modules, "azure.identity", type(sys)("azure.identity"))
    with pytest.raises(ConfigError, match="needs AZURE_TENANT_ID, AZURE_CLIENT_ID"):
        resolve_config({"target": profile}, {"AZURE_CLIENT_SECRET": "s"})


def test_target_listing_gives_ci_each_profiles_name_and_token_variable(tmp_path):
    listed = {entry["name"]: entry for entry in list_targets()}
    assert listed["reference"]["needs_token"] is False  # the bundled reference: no base_url
    assert listed["example-vendor"]["needs_token"] is True
    assert listed["example-vendor"]["token_env"] == "EXAMPLE_VENDOR_TOKEN"
    (tmp_path / "acme-hr.yaml").write_text(
        "name: Acme HR\nbase_url: https://acme.example/beta\ntoken: {env: ACME_TOKEN}\n"
    )
    (acme,) = list_targets(tmp_path)
    assert acme["name"] == "acme-hr", "the name TARGET=<name> takes, i.e. the file's stem"
    assert (acme["token_env"], acme["needs_token"]) == ("ACME_TOKEN", True)


def test_targets_json_is_one_line_a_ci_matrix_can_read(capsys):
    assert main(["targets", "--json"]) == 0
    output = capsys.readouterr().out
    assert output.count("\n") == 1, "GITHUB_OUTPUT takes one line per value"
    names = [entry["name"] for entry in json.loads(output)]
    assert names == sorted(path.stem for path in TARGETS_DIR.glob("*.yaml"))


@pytest.mark.parametrize(
    ("environ", "profile", "strict"),
    [({}, "", False), ({"STRICT": "1"}, "", True), ({}, "strict: true\n", True)],
    ids=["lenient-by-default", "strict-from-the-environment", "strict-from-the-profile"],
)
def test_strict_comes_from_the_environment_or_the_profile(tmp_path, environ, profile, strict):
    path = tmp_path / "t.yaml"
    path.write_text("name: t\n" + profile, encoding="utf-8")
    config = resolve_config({"target": str(path)}, environ)
    assert config.strict is strict


def test_a_strict_value_that_is_not_yes_or_no_is_one_sentence(tmp_path):
    with pytest.raises(ConfigError, match="STRICT='maybe' is not yes or no"):
        resolve_config({}, {"STRICT": "maybe"})
