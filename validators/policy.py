"""Policy profiles: every number and list a rule needs, one TOML file per notice.

A profile may ``extends`` another (regional profiles extend ``national``); tables are merged key by key, the
child's values win.  ``--policy`` takes a built-in name or a path to a user's own TOML file.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

POLICY_DIR = Path(__file__).parent / "policies"
_MISSING = object()


class PolicyError(Exception):
    """A profile that cannot be used; the message names the file and the key."""


def builtin_names() -> list[str]:
    names = sorted(p.stem for p in POLICY_DIR.glob("*.toml"))
    return ["national"] + [n for n in names if n != "national"]


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _read(ref: str, seen: tuple[str, ...] = ()) -> tuple[dict, list[str]]:
    path = Path(ref)
    if not (path.suffix == ".toml" and path.exists()):
        path = POLICY_DIR / f"{ref}.toml"
        if not path.exists():
            raise PolicyError(f"未知的政策配置“{ref}”；内置配置有：{'、'.join(builtin_names())}，也可给出 .toml 文件路径")
    key = str(path.resolve())
    if key in seen:
        raise PolicyError(f"政策配置 {path.name} 的 extends 形成了循环")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"政策配置 {path.name} 格式错误：{e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise PolicyError(f"政策配置 {path.name} 无法读取：{e}") from None
    chain = [path.stem]
    parent = data.get("extends")
    if parent:
        if not isinstance(parent, str):
            raise PolicyError(f"政策配置 {path.name} 的键 extends 应为配置名称（文本）")
        base, parents = _read(parent if "/" not in parent else str(path.parent / parent), seen + (key,))
        data = _merge(base, {k: v for k, v in data.items() if k != "extends"})
        chain = parents + chain
    return data, chain


def _date(value, key: str, source: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PolicyError(f"政策配置 {source} 的键 {key} 应为日期 YYYY-MM-DD，现为“{value}”") from None


@dataclass
class Policy:
    name: str
    data: dict
    chain: list[str]

    @property
    def title(self) -> str:
        return str(self.data.get("title", self.name))

    @property
    def short(self) -> str:
        """Short citation used in messages, e.g. 凯里2023."""
        return str(self.data.get("short", self.title))

    def get(self, key: str, default=_MISSING, kind: type | tuple | None = None):
        """A dotted key, e.g. ``hours.annual_min``.  Missing without a default, or of the wrong type: PolicyError."""
        node = self.data
        for part in key.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                if default is _MISSING:
                    raise PolicyError(f"政策配置 {self.name} 缺少键 {key}")
                return default
        if kind is not None and not isinstance(node, kind) or (kind in (int, float, (int, float)) and isinstance(node, bool)):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise PolicyError(f"政策配置 {self.name} 的键 {key} 类型应为 {names}，现为“{node!r}”")
        return node

    def date(self, key: str, default=None) -> dt.date | None:
        return _date(self.get(key, default), key, self.name)

    def enabled(self, code: str) -> bool:
        return code not in set(self.get("rules.disabled", [], list))

    def as_of(self, override: dt.date | None = None) -> dt.date:
        return override or self.date("as_of") or dt.date.today()


def load(ref: str = "national") -> Policy:
    data, chain = _read(ref)
    name = str(data.get("name") or chain[-1])
    p = Policy(name, data, chain)
    validate_policy(p)
    return p


def validate_policy(p: Policy) -> None:
    """Fail early, naming the key, instead of inside a rule."""
    p.date("as_of")
    p.date("cutoff")
    p.get("rules.disabled", [], list)
    for k in ("identity.min_age", "identity.max_age"):
        p.get(k, 0, (int, float))
