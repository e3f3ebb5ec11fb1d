"""Integration: a real xlwings Server (the `server` extra) on 127.0.0.1 serves the cell functions to Office.js.

The requests are the JSON the Office.js add-in sends (custom-functions-code.js): every argument a 2-D array, dates as
serial numbers, empty cells as "", Chinese text.  The licence key `noncommercial` is given to the server process
only, through its environment.
"""

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import xlwings
from xlshapes import AS_OF, EPOCH, GOOD, ROSTER, ROSTER_MERGES, batch, officejs, save, sheet_values

from zhicheng.validators import policy
from zhicheng.validators.rules.discipline import bar_end
from zhicheng.xlplugin import server as zserver
from zhicheng.xlplugin import udfs

STARTUP_S = 90
REQUEST_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("xlserver")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != zserver.POLICY_ENV and not k.startswith("XLWINGS_")}
    env["XLWINGS_LICENSE_KEY"] = "noncommercial"  # tests only: noncommercial use
    log_path = tmp / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "zhicheng.xlplugin.server", "--host", "127.0.0.1", "--port",
                                 str(port)], env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"xlwings Server exited ({proc.returncode}):\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as r:
                    if json.load(r).get("status") == "ok":
                        break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"xlwings Server did not start in {STARTUP_S}s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def call(url, func_name, *args):
    """POST /xlwings/custom-functions-call as the Office.js add-in does; returns the "result" matrix."""
    body = {
        "client": "Office.js",
        "func_name": func_name,
        "args": [a if isinstance(a, list) or a is None else [[a]] for a in args],
        "caller_address": "[申报材料.xlsx]花名册!L1",
        "session_id": "pytest",
        "culture_info_name": "zh-CN",
        "date_format": "yyyy/m/d",
        "version": xlwings.__version__,
        "runtime": "1.4",
    }
    req = urllib.request.Request(url + "/xlwings/custom-functions-call",
                                 data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                 headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    with urllib.request.urlopen(req, timeout=REQUEST_S) as r:
        assert r.status == 200
        return json.load(r)["result"]


def serial(day: dt.date) -> int:
    return (dt.datetime(day.year, day.month, day.day) - EPOCH).days


def test_meta_lists_every_function(base_url):
    with urllib.request.urlopen(base_url + "/xlwings/custom-functions-meta", timeout=REQUEST_S) as r:
        meta = json.load(r)
    funcs = {f["id"]: f for f in meta["functions"]}
    assert set(udfs.__all__) <= set(funcs)
    hours = funcs["ZC_HOURS"]
    assert [p["name"] for p in hours["parameters"]] == ["year", "total", "prof", "public", "policy", "as_of", "level",
                                                        "grassroots", "private"]
    assert [bool(p.get("optional")) for p in hours["parameters"]] == [False, False] + [True] * 7
    assert "继续教育学时" in hours["description"] and hours["parameters"][1]["description"] == "合计学时"
    assert [p["name"] for p in funcs["ZC_CHECKTABLE"]["parameters"]] == ["table", "policy", "as_of", "kind"]


def test_manifest_names_our_namespace(base_url):
    with urllib.request.urlopen(base_url + "/manifest.xml", timeout=REQUEST_S) as r:
        manifest = r.read().decode("utf-8")
    assert f'id="Functions.Namespace" DefaultValue="{zserver.NAMESPACE}"' in manifest
    assert f"{base_url}/xlwings/custom-functions-meta.json" in manifest


def test_checktable_over_http_matches_batch(base_url, tmp_path):
    path = save(tmp_path / "roster.xlsx", ROSTER, ROSTER_MERGES)
    values = sheet_values(path)
    expected = batch(path, "kaili-2023", AS_OF)
    table = officejs(values)  # serial dates, "" for empty cells, Chinese text
    assert any(isinstance(v, int) and 20000 < v < 73000 for row in table for v in row)
    got = call(base_url, "ZC_CHECKTABLE", table, "kaili-2023", serial(AS_OF), None)
    assert len(got) == len(values)
    assert [udfs.RESULT_HEADER] in got[1:3]  # on the header row
    for i, (cell,) in enumerate(got, start=1):
        if i in expected:
            assert cell == expected[i], i
    assert "[IDN002]" in got[4][0] and "[FMT008]" in got[5][0] and got[6] == [""]


def test_checkrow_and_hours_over_http(base_url):
    header = officejs(ROSTER[1:3])
    row = officejs([ROSTER[4]])
    assert call(base_url, "ZC_CHECKROW", header, row, "", "") == [[udfs.ZC_CHECKROW(header, row)]]
    assert "[IDN002]" in call(base_url, "ZC_CHECKROW", header, row)[0][0]
    got = call(base_url, "ZC_HOURS", 2023, 30, 20, 10, "kaili-2023", serial(AS_OF))
    assert got == [[udfs.ZC_HOURS(2023, 30, 20, 10, "kaili-2023", serial(AS_OF))]] and got != [[udfs.PASS]]
    assert call(base_url, "ZC_HOURS", 2023, 120, 90, 30, "", 0) == [[udfs.PASS]]


def test_dates_and_ids_over_http(base_url):
    day = dt.date(2023, 1, 31)
    end = bar_end(policy.load("national"), "党纪", "警告", day)
    got = call(base_url, "ZC_BAREND", "党纪", "警告", serial(day), "")
    assert got == [[{"type": "FormattedNumber", "basicValue": float(serial(end)), "numberFormat": "yyyy-mm-dd"}]]
    assert call(base_url, "ZC_BAR", "党纪处分", "警告", serial(day), "national", serial(AS_OF)) == [
        [udfs.ZC_BAR("党纪处分", "警告", serial(day), "national", serial(AS_OF))]]
    assert call(base_url, "ZC_ID", GOOD) == [[udfs.PASS]]
    assert "[IDN006]" in call(base_url, "ZC_ID", officejs(int(GOOD)))[0][0]
    assert call(base_url, "ZC_IDSEX", GOOD) == [["男"]]
    assert call(base_url, "ZC_YEARS", serial(dt.date(2018, 6, 1)), "", "kaili-2023") == [[5.5]]


def test_bad_arguments_come_back_as_chinese_text(base_url):
    got = call(base_url, "ZC_YEARS", "去年")[0][0]
    assert got == "参数错误：取得资格时间“去年”不是可识别的日期"
    assert call(base_url, "ZC_HOURS", 2023, 90, "", "", "某市-2099")[0][0].startswith("参数错误：未知的政策配置")
    assert call(base_url, "ZC_CHECKTABLE", [["甲", "乙"], ["1", "2"]])[0][0].startswith("参数错误：表头无法识别")


def test_unknown_function_is_an_http_error_not_a_crash(base_url):
    with pytest.raises(urllib.error.HTTPError):
        call(base_url, "NO_SUCH_FUNCTION", 1)
    assert call(base_url, "ZC_IDSEX", GOOD) == [["男"]]  # the server is still up
