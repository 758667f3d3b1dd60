"""Beacon's own files are private to the account that runs it: folders 0700, files 0600."""

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path | str, own: bool = True) -> Path:
    """Create path (and missing parents) as 0700; when own, also tighten it if it already existed."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    if own and path.exists() and path.stat().st_uid == os.getuid():
        os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path | str) -> Path:
    """Create path empty as 0600 if missing, else tighten it to 0600 (only a file this account owns)."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        if path.stat().st_uid == os.getuid():
            os.chmod(path, FILE_MODE)
    return path
