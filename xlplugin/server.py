"""Run xlwings Server with the zhicheng cell functions (the optional ``server`` extra).

    python -m zhicheng.xlplugin.server --host 127.0.0.1 --port 8000 [--policy kaili-2023]

xlwings Server (the ``xlwings-server`` package, FastAPI + uvicorn) imports the top-level packages
``custom_functions`` and ``custom_scripts`` from its project folder (``XLWINGS_PROJECT_DIR``).  The folder shipped
beside this module holds just those two: ``custom_functions`` re-exports :mod:`zhicheng.xlplugin.udfs`.

xlwings Server is source-available: commercial or internal use needs a licence key (``XLWINGS_LICENSE_KEY``); the key
``noncommercial`` is for noncommercial use only (our tests use it).  Office.js add-ins need HTTPS: put the server
behind a TLS reverse proxy, or give ``--ssl-keyfile``/``--ssl-certfile``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from .inputs import POLICY_ENV

PROJECT_DIR = Path(__file__).resolve().parent / "server_project"
APP = "xlwings_server.main:main_app"
NAMESPACE = "ZHICHENG"  # Excel shows the functions as ZHICHENG.ZC_ID(...) under xlwings Server


def environment(policy: str | None = None, base: dict | None = None) -> dict:
    """The environment xlwings Server needs to serve our functions (set before it is imported)."""
    env = dict(os.environ if base is None else base)
    env["XLWINGS_PROJECT_DIR"] = str(PROJECT_DIR)
    env["XLWINGS_ON_SERVER"] = "true"  # xlwings.func registers Office.js custom functions
    env.setdefault("XLWINGS_ENABLE_SOCKETIO", "false")  # no streaming functions here
    env.setdefault("XLWINGS_FUNCTIONS_NAMESPACE", NAMESPACE)
    if policy:
        env[POLICY_ENV] = policy
    return env


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m zhicheng.xlplugin.server",
                                 description="以 xlwings Server 提供 zhicheng 单元格函数（Office.js 加载项的后端）")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--policy", help="公式未写政策配置时使用的配置名，如 kaili-2023（默认 national）")
    ap.add_argument("--ssl-keyfile")
    ap.add_argument("--ssl-certfile")
    args = ap.parse_args(argv)
    if importlib.util.find_spec("xlwings_server") is None or importlib.util.find_spec("uvicorn") is None:
        print("缺少 xlwings Server：请先安装  pip install 'zhicheng[server]'", file=sys.stderr)
        return 2
    os.environ.update(environment(args.policy))  # before xlwings_server reads its settings on import
    import uvicorn
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        print("提示：未设置 XLWINGS_LICENSE_KEY。xlwings Server 用于商业或单位内部需购买许可证；"
              "非商业用途可设为 noncommercial。", file=sys.stderr)
    sys.path.insert(0, str(PROJECT_DIR))
    uvicorn.run(APP, host=args.host, port=args.port, ssl_keyfile=args.ssl_keyfile, ssl_certfile=args.ssl_certfile,
                log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
