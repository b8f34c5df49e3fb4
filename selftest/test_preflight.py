"""The preflight recognises a positions service before any test runs: an address that is not
one (a static file server, a base URL without its version path, plain HTTP behind https://)
and a token written with its scheme each end in one sentence, exit 3 or 2, and no report that
calls the target nonconforming."""

from __future__ import annotations

import pytest
from werkzeug.wrappers import Request, Response

from positions_reference import create_app

from .support.harness_run import assert_one_plain_sentence, run_harness
from .support.servers import serving

TOKEN = "tok-selftest-preflight"


def static_file_server(environ, start_response):
    """Answers every path with an HTML page, as a web server in front of nothing does."""
    request = Request(environ)
    page = f"<html><body>Index of {request.path}</body></html>"
    return Response(page, 200, content_type="text/html")(environ, start_response)


def not_found_everywhere(environ, start_response):
    return Response("Not Found", 404, content_type="text/plain")(environ, start_response)


@pytest.mark.parametrize(
    ("app", "suffix", "env"),
    [
        (static_file_server, "", {}),
        (not_found_everywhere, "", {}),
        # The reference serves under /beta; a BASE_URL without it answers 404 everywhere, also
        # when the user is given, so nothing may suggest GRAPH_USER_ID as the way out.
        (create_app(), "/..", {"GRAPH_USER_ID": "u-1", "GRAPH_USER_UPN": "u@example.test"}),
    ],
    ids=["static-file-server", "404-everywhere", "base-url-without-version-path"],
)
def test_an_address_that_is_not_a_positions_service_cannot_be_tested(tmp_path, app, suffix, env):
    with serving(app) as url:
        base_url = url.removesuffix("/beta") if suffix else url
        run = run_harness(tmp_path, env={"BASE_URL": base_url, "GRAPH_TOKEN": TOKEN, **env})

    assert run.exit_code == 3, run.stdout[-2000:] + run.stderr
    assert_one_plain_sentence(run)
    assert "Graph service" in run.stderr and "BASE_URL" in run.stderr
    assert "GRAPH_USER_ID" not in run.stderr
    assert run.report_dirs == []  # no report, so no verdict about a service that is not there


def test_a_token_written_with_its_scheme_is_a_configuration_error(tmp_path):
    with serving(create_app()) as url:
        run = run_harness(tmp_path, env={"BASE_URL": url, "GRAPH_TOKEN": f"Bearer {TOKEN}"})

    assert run.exit_code == 2
    assert_one_plain_sentence(run)
    assert "starts with 'Bearer '" in run.stderr
    assert TOKEN not in run.stderr


def test_https_to_a_plain_http_port_says_the_port_speaks_plain_http(tmp_path):
    with serving(create_app()) as url:
        run = run_harness(
            tmp_path, env={"BASE_URL": url.replace("http://", "https://"), "GRAPH_TOKEN": TOKEN}
        )

    assert run.exit_code == 3
    assert_one_plain_sentence(run)
    assert "plain HTTP" in run.stderr
