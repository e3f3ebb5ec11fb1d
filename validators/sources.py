"""The input files of a run: workbooks on disk and workbooks inside ``.zip`` archives.

An archive is never extracted: each member is read into memory when its turn comes, under the same zip-bomb
limits as a workbook.  Member names become display names such as ``报送材料.zip/某单位/花名册.xlsx`` with every
``..``, drive letter and leading slash removed, so nothing derived from them can point outside the output folder.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .reader import MAX_FILE, ReadError, check_zip, load_bytes

# Files taken from a folder (a file named on the command line is always checked, whatever its name).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".xltx", ".xltm", ".xlt", ".et", ".ett", ".ods")
ARCHIVE_SUFFIXES = (".zip",)
MAX_ARCHIVE_TOTAL = 16 * 1024 ** 3  # members are read one at a time; each one still obeys the workbook limits


@dataclass(frozen=True)
class Member:
    """A workbook inside a .zip archive."""

    archive: Path
    name: str  # the member's name in the archive, as stored

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix

    def read(self) -> bytes:
        if self.suffix.lower() in ARCHIVE_SUFFIXES:
            raise ReadError("STR001", "压缩包中又套了压缩包，未展开读取；请解压后单独报送其中的工作簿")
        zf = _open_archive(self.archive)
        try:
            info = zf.getinfo(self.name)
        except KeyError:
            raise ReadError("STR001", "压缩包中找不到该文件") from None
        if info.file_size > MAX_FILE:
            raise ReadError("STR007", f"压缩包成员大小{info.file_size // (1024 * 1024)}MB，超过上限，已拒绝读取")
        try:
            return zf.read(info)  # bounded by the declared size, which check_zip has limited; a lie fails the CRC
        except zipfile.BadZipFile as e:
            raise ReadError("STR001", f"压缩包中的此文件已损坏（{e}）") from None
        except (RuntimeError, NotImplementedError) as e:  # encrypted member, unknown method
            raise ReadError("STR004" if "encrypted" in str(e) else "STR001", f"压缩包中的此文件无法读取（{e}）") from None


@dataclass(frozen=True)
class Blob:
    """A workbook's bytes read beforehand, to be checked in a process on another machine (``--engine dask``).

    A read that failed where the bytes were taken is raised again where they are checked, as a ``ReadError`` with
    the same code and reason, so the finding is the one a local run makes."""

    name: str  # the file or member name: its suffix is compared with the content (STR008)
    data: bytes = b""
    error: tuple[str, str] | None = None  # (finding code, reason)

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix

    def read(self) -> bytes:
        if self.error:
            raise ReadError(*self.error)
        return self.data


_ARCHIVES: dict[Path, zipfile.ZipFile] = {}


def _open_archive(path: Path) -> zipfile.ZipFile:
    """Archives stay open in a worker while their members are read (the central directory is parsed once)."""
    zf = _ARCHIVES.get(path)
    if zf is None:
        if len(_ARCHIVES) >= 4:
            _ARCHIVES.pop(next(iter(_ARCHIVES))).close()
        zf = _ARCHIVES[path] = zipfile.ZipFile(path)
    return zf


def read_source(src: Path | Member | Blob) -> bytes:
    return src.read() if isinstance(src, (Member, Blob)) else load_bytes(src)


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: names without the UTF-8 flag are usually GBK (Chinese Windows)."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def safe_parts(name: str) -> list[str]:
    """Path parts with nothing that could climb out of a folder: no '..', '.', drive letters or empty parts."""
    parts = []
    for part in re.split(r"[\\/]+", name):
        part = part.strip()
        if part in ("", ".", "..") or re.fullmatch(r"[A-Za-z]:", part):
            continue
        parts.append(part.replace("\x00", ""))
    return parts


def _is_archive(path: Path) -> zipfile.ZipFile | None:
    """An openable zip archive that is not itself a workbook (an .xlsx renamed .zip is a workbook)."""
    if path.suffix.lower() not in ARCHIVE_SUFFIXES:
        return None
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None
    names = set(zf.namelist())
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names or "content.xml" in names:
        zf.close()
        return None
    try:
        check_zip(zf, MAX_ARCHIVE_TOTAL, xml=False)
    except ReadError:
        zf.close()
        return None  # read as a file, which reports the refusal
    return zf


def expand_archive(path: Path, display: str, zf: zipfile.ZipFile) -> list[tuple[Member, str]]:
    out, seen = [], set()
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            parts = safe_parts(member_name(info))
            if not parts or parts[0] == "__MACOSX" or parts[-1].startswith(("~$", ".")):
                continue
            if not parts[-1].lower().endswith(WORKBOOK_SUFFIXES + ARCHIVE_SUFFIXES):
                continue
            shown = "/".join([display, *parts])
            n = 2
            while shown in seen:
                shown = "/".join([display, *parts[:-1], f"({n}){parts[-1]}"])
                n += 1
            seen.add(shown)
            out.append((Member(path, info.filename), shown))
    return out


def collect(paths: list[str | Path], exclude: Path | None = None) -> list[tuple[Path | Member, str]]:
    """Files under the given paths (folders recursively, .zip archives member by member), each with the name shown
    in reports.  Files inside ``exclude`` (the output folder, when it lies in an input folder) are left out."""
    items: list[tuple[Path | Member, str]] = []
    skip = Path(exclude).resolve() if exclude is not None else None
    for p in map(Path, paths):
        if p.is_dir():
            files = [(f, f.relative_to(p).as_posix()) for f in sorted(p.rglob("*"))
                     if f.is_file() and f.suffix.lower() in WORKBOOK_SUFFIXES + ARCHIVE_SUFFIXES
                     and not f.name.startswith(("~$", "."))
                     and not (skip and f.resolve().is_relative_to(skip))]
        elif p.is_file():
            files = [(p, p.name)]
        else:
            raise FileNotFoundError(str(p))
        for f, shown in files:
            zf = _is_archive(f)
            members = expand_archive(f, shown, zf) if zf else []
            if zf and not members and p.is_dir():
                continue  # a sound archive in a folder with no workbook in it (photos, scans): not a submission
            items.extend(members or [(f, shown)])  # a damaged archive, or one named on the command line, is reported
    return items
