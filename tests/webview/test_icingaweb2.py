# SPDX-License-Identifier: GPL-3.0-or-later
"""The admin's view of check_port_owner: Icinga Web 2 (Debian's icingaweb2, monitoring module on
Icinga 2's IDO in MariaDB) showing the services Icinga 2 checks with the plugin, and the graphs
Icinga Web 2's graphite module draws from a real Graphite fed by Icinga 2's GraphiteWriter.
Everything is started once for this module (webview_stack.py says what and the scenario); the
pages are read by headless Chromium after their scripts ran, and a screenshot of the CRITICAL
service's page is kept in --artifacts-dir.
"""
import os
import struct
import urllib.parse
import urllib.request

import pytest

import chromium
from page_tree import parse_page
from pylib.engines import wait_for_results
from pylib.processes import require_programs, wait_until
from webview_stack import (CRITICAL_SERVICE, HOSTILE_NAME_ESCAPED, ICINGAWEB_URL, OK_SERVICE,
                           SERVICES, metric_path, service_url, start_stack)

START_TIMEOUT_S = 90.0
# Two checks of each service, the IDO written, carbon's whisper files created.
RESULT_TIMEOUT_S = 90.0
GRAPHED = ("rules_unexpected", "listeners")  # what the shipped graph templates draw, among others
GRAPH_TEMPLATES = ("port_owner-problems", "port_owner-listeners")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SCREENSHOT = "icingaweb2-service.png"


@pytest.fixture(scope="module")
def stack(plugin, debian_python, module_netns, module_workdir, module_processes):
    require_programs(["/usr/sbin/apache2", "/usr/sbin/mariadbd", "/usr/bin/eatmydata",
                      "/usr/bin/carbon-cache", "/usr/bin/chromium", "/usr/sbin/icinga2"],
                     "icinga2-bin, and those of tests/webview/install.sh")
    holders = {}
    try:
        yield start_stack(plugin, debian_python, module_workdir, module_processes, holders,
                          START_TIMEOUT_S)
    finally:
        for holder in holders.values():
            holder.stop()


@pytest.fixture(scope="module")
def results(stack):
    """{service: ServiceResult} from Icinga 2's API, once both services were checked twice, the
    IDO holds their states and carbon wrote the graphed metrics."""
    found = wait_for_results(stack.icinga2, SERVICES, RESULT_TIMEOUT_S, repeated=True)
    assert found is not None, ("Icinga 2 did not check both services twice\n" +
                               stack.diagnostics())
    expected = {name: found[name].state for name in SERVICES}
    ido = wait_until(RESULT_TIMEOUT_S, lambda: stack.ido_states() == expected or None)
    assert ido, (f"the IDO has {stack.ido_states()}, Icinga 2 {expected}\n" +
                 stack.diagnostics())
    metrics = [metric_path(s, label) for s in SERVICES for label in GRAPHED]
    written = wait_until(RESULT_TIMEOUT_S,
                         lambda: all(os.path.exists(stack.graphite.whisper_file(m))
                                     for m in metrics) or None)
    assert written, (f"carbon wrote no whisper file for some of {metrics}\n" +
                     stack.diagnostics())
    return found


@pytest.fixture(scope="module")
def pages(results):
    """{service: (DOM text, page tree)} of each service's page in Icinga Web 2."""
    loaded = {}
    for service in SERVICES:
        dom = chromium.dump_dom(service_url(service))
        loaded[service] = (dom, parse_page(dom))
    return loaded


def service_state_label(page):
    """The service's row of the detail view's state table (the first row is the host)."""
    table = page.find("table", "service-detail-state")
    assert table is not None, "no state table on the page"
    cells = table.find_all("td", "state-col")
    assert len(cells) == 2, f"{len(cells)} state cells"
    return cells[1].find("div", "state-label").text().strip(), cells[1].classes


def plugin_output_lines(page):
    return [div.text() for div in page.find_all("div", "plugin-output")]


def perfdata_table(page):
    """{label: value} of the performance data table."""
    table = page.find("table", "performance-data-table")
    assert table is not None, "no performance data table on the page"
    rows = {}
    for row in table.find("tbody").find_all("tr"):
        cells = [cell.text().strip() for cell in row.find_all("td")]
        rows[cells[0]] = cells[1]
    return rows


def graph_images(page):
    return page.find_all("img", "graphiteImg")


def fetch(url):
    """(content type, body) of a URL of the Icinga Web 2 server."""
    absolute = urllib.parse.urljoin(ICINGAWEB_URL + "/", url)
    with urllib.request.urlopen(absolute, timeout=60) as response:
        return response.headers.get("Content-Type", ""), response.read()


def png_size(data):
    assert data.startswith(PNG_MAGIC), f"not a PNG: {data[:16]!r}"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("service, state", [(OK_SERVICE, "OK"), (CRITICAL_SERVICE, "CRITICAL")])
def test_the_page_shows_the_state(pages, service, state):
    label, classes = service_state_label(pages[service][1])
    assert label == state
    assert f"state-{state.lower()}" in classes


@pytest.mark.parametrize("service", SERVICES)
def test_the_page_shows_the_plugin_output(pages, results, service):
    """First line and long output, line by line, as Icinga 2 got them from the plugin."""
    result = results[service]
    assert plugin_output_lines(pages[service][1]) == [result.first_line] + result.long_lines


def test_the_hostile_name_is_shown_escaped(pages, stack):
    """The whole name, escaped as the plugin prints it, then the rest of the line: the pid and
    the executable are not hidden by anything the name holds."""
    lines = plugin_output_lines(pages[CRITICAL_SERVICE][1])
    holder = stack.holders["critical"]
    assert f"held by {HOSTILE_NAME_ESCAPED} (pid {holder.pid}, user root), expected nginx" \
        in lines[0], lines
    assert any(f"{HOSTILE_NAME_ESCAPED} pid {holder.pid} user root exe " in line
               and line.endswith("(allowed: nginx)") for line in lines[1:]), lines


def test_no_html_from_the_hostile_name(pages):
    """No element, attribute or script came from the process name."""
    dom, page = pages[CRITICAL_SERVICE]
    assert not [e.tag for e in page.iter() if e.attrs.get("onclick") == "y()"], "the onclick"
    assert not [e for e in page.find_all("script") if "x()" in e.raw_text()], \
        "the name's <script>"
    assert "<script>x()" not in dom


def test_nothing_logged_a_problem(pages, stack):
    """Serving the pages, Icinga Web 2 and Apache logged no warning or error: the configuration
    the test wrote is complete."""
    assert stack.logged_problems() == []


@pytest.mark.parametrize("service, unexpected", [(OK_SERVICE, 0), (CRITICAL_SERVICE, 1)])
def test_the_page_shows_the_perfdata(pages, results, service, unexpected):
    table = perfdata_table(pages[service][1])
    perfdata = results[service].perfdata
    assert float(table["rules_unexpected"]) == unexpected
    assert float(table["listeners"]) == perfdata["listeners"].value
    assert set(table) == set(perfdata), (table, perfdata)


@pytest.mark.parametrize("service", SERVICES)
def test_carbon_received_the_perfdata(stack, results, service):
    """What Icinga 2's GraphiteWriter sent, read back through graphite-web's render API: the
    latest value of each graphed metric is the plugin's."""
    perfdata = results[service].perfdata
    for label in GRAPHED:
        series = stack.graphite.render_json(metric_path(service, label))
        assert len(series) == 1, series
        values = [value for value, _ in series[0]["datapoints"] if value is not None]
        assert values and values[-1] == perfdata[label].value, (label, values)


@pytest.mark.parametrize("service", SERVICES)
def test_the_page_draws_the_port_owner_graphs(pages, service):
    """The graphite module applied the project's templates (plugins/icingaweb2/graphite) and
    each image it links is a PNG graphite-web rendered."""
    images = graph_images(pages[service][1])
    urls = [img.attrs.get("data-actualimageurl") or img.attrs.get("src") for img in images]
    templates = {urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("template",
                                                                             [""])[0]
                 for url in urls}
    assert set(GRAPH_TEMPLATES) <= templates, urls
    for url in urls:
        content_type, body = fetch(url)
        assert content_type.startswith("image/png"), (url, content_type, body[:200])
        width, height = png_size(body)
        assert width > 100 and height > 50, (url, width, height)


def test_screenshot_of_the_critical_service(results, artifacts_dir):
    """Kept for people to look at (CI keeps the build directory's artifacts/)."""
    path = os.path.join(artifacts_dir, SCREENSHOT)
    if os.path.exists(path):
        os.unlink(path)
    chromium.screenshot(service_url(CRITICAL_SERVICE), path)
    with open(path, "rb") as f:
        width, _ = png_size(f.read(24))
    assert width == int(chromium.WINDOW.split(",")[0])
    print(f"screenshot: {path}")
