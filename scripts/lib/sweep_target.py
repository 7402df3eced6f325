#!/usr/bin/env python3
"""Removes from Cargo's target directory the superseded builds that the gate no longer uses.

Cargo names every unit's files and directories after a hash of the unit and of all its
dependencies' hashes, and never removes what it stops using. So each change of a dependency's
version gives every crate that depends on it, test binaries included, a second copy under a new
name, and a target directory kept between runs (as CI keeps it) grows by a whole build each time.

Reads the JSON messages Cargo printed for the builds the gate runs (`--message-format=json`, all
fresh at this point), on standard input. A unit's hash is the 16 hex digits after the last `-` in
the names Cargo gives its files (`libserde-0123456789abcdef.rlib`) or directories
(`build/serde-0123456789abcdef/out`). In each `deps`, `examples`, `build` and `.fingerprint`
directory of the profile directories named on the command line, an entry whose hash no message
gave is removed when another entry of the same name, with a hash a message gave, sits beside it:
that is a superseded copy of a unit the gate builds. An entry of a name the gate no longer builds
at all is left alone. Removing too much would cost a rebuild, never a wrong build: Cargo rebuilds a
unit whose output is missing.

Some outputs are named without a hash:
- a binary or example Cargo copies up (`debug/emmaus`) is a hard link to its hashed file in `deps`
  or `examples`, which is kept by its inode;
- a library that is also a `cdylib` (each function's) has no hash in any file name, and its
  fingerprint directory's hash is one no message gives: the `.fingerprint` and `build` entries of
  its package are left alone.

Incremental caches (`incremental/CRATE-ID`) carry no unit hash. With `--touched-since EPOCH` (when
the gate began), a crate's caches that the gate did not touch are removed when the gate touched
another cache of that crate: rustc compiled the crate again, into the cache of its current unit.

Usage: sweep_target.py [--dry-run] [--touched-since EPOCH] PROFILE_DIR... < messages
Prints one line: what it removed and the bytes it freed. Exits 2 on bad input, having removed
nothing.
"""

import json
import os
import re
import shutil
import sys

HASHED = re.compile(r"^(?P<stem>.+)-(?P<hash>[0-9a-f]{16})(?P<ext>\..*)?$")
INCREMENTAL = re.compile(r"^(?P<crate>.+)-(?P<id>[0-9a-z]{10,})$")
# Where a unit's outputs carry its hash in their names, and where its directories do.
HASHED_FILES = ("deps", "examples")
HASHED_DIRS = ("build", ".fingerprint")


def hash_of(name):
    """The unit hash in a file or directory name, or None."""
    match = HASHED.match(name)
    return match.group("hash") if match else None


def package_name(package_id):
    """`path+file:///work/main/cli#emmaus@0.1.0` -> emmaus; `path+file:///x/auth#0.1.0` -> auth."""
    source, _, fragment = package_id.rpartition("#")
    if "@" in fragment:
        return fragment.split("@", 1)[0]
    return source.rstrip("/").rsplit("/", 1)[-1]


def normal(name):
    return name.replace("-", "_")


class Messages:
    """What Cargo's messages say the gate uses."""

    def __init__(self, lines):
        self.kept = set()  # unit hashes
        self.unhashed = {}  # (device, inode) of an output named without a hash -> its package
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                message = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"line {number} is not JSON: {error}") from error
            paths = []
            if message.get("reason") == "compiler-artifact":
                paths = list(message.get("filenames") or [])
                if message.get("executable"):
                    paths.append(message["executable"])
            elif message.get("reason") == "build-script-executed":
                paths = [message.get("out_dir") or ""]
            for path in paths:
                self._note(path, message.get("package_id") or "")

    def _note(self, path, package_id):
        # The unit's own hash is in the file name (deps/libx-HASH.rlib) or in the directory the
        # file sits in (build/x-HASH/build-script-build, build/x-HASH/out).
        found = [h for h in map(hash_of, os.path.normpath(path).split(os.sep)[-3:]) if h]
        self.kept.update(found)
        if not found:
            try:
                stat = os.stat(path)
            except OSError:
                return
            self.unhashed[(stat.st_dev, stat.st_ino)] = normal(package_name(package_id))

    def settle(self, profiles):
        """Keeps the hashed twin of each output named without a hash, and returns the packages
        with an output that has none (their fingerprint directories cannot be told apart)."""
        twinned = set()
        for profile in profiles:
            for sub in HASHED_FILES:
                for entry in scan(os.path.join(profile, sub)):
                    found = hash_of(entry.name)
                    if not found:
                        continue
                    try:
                        stat = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if (stat.st_dev, stat.st_ino) in self.unhashed:
                        self.kept.add(found)
                        twinned.add((stat.st_dev, stat.st_ino))
        return {package for inode, package in self.unhashed.items() if inode not in twinned}


def scan(directory):
    try:
        return list(os.scandir(directory))
    except FileNotFoundError:
        return []


def superseded(directory, kept, protected=frozenset()):
    """Entries of `directory` whose hash is not kept while one of the same name is."""
    parsed = [(entry.path, HASHED.match(entry.name)) for entry in scan(directory)]
    parsed = [(path, m) for path, m in parsed if m and normal(m.group("stem")) not in protected]
    live = {(m.group("stem"), m.group("ext")) for _, m in parsed if m.group("hash") in kept}
    return [path for path, m in parsed if m.group("hash") not in kept and (m.group("stem"), m.group("ext")) in live]


def untouched_incremental(directory, since):
    """Incremental caches not touched since `since` of crates that have one touched since."""
    by_crate = {}
    for entry in scan(directory):
        match = INCREMENTAL.match(entry.name)
        if match and entry.is_dir(follow_symlinks=False):
            touched = entry.stat(follow_symlinks=False).st_mtime >= since
            by_crate.setdefault(match.group("crate"), []).append((entry.path, touched))
    return [
        path
        for caches in by_crate.values()
        if any(touched for _, touched in caches)
        for path, touched in caches
        if not touched
    ]


def entry_size(path):
    if os.path.islink(path) or not os.path.isdir(path):
        return os.lstat(path).st_size
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except FileNotFoundError:
                pass
    return total


def remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def main(argv):
    usage = "usage: sweep_target.py [--dry-run] [--touched-since EPOCH] PROFILE_DIR... < messages"
    dry_run = False
    since = None
    profiles = []
    args = iter(argv)
    for arg in args:
        if arg == "--dry-run":
            dry_run = True
        elif arg == "--touched-since":
            try:
                since = float(next(args))
            except (StopIteration, ValueError):
                print(usage, file=sys.stderr)
                return 2
        else:
            profiles.append(arg)
    if not profiles:
        print(usage, file=sys.stderr)
        return 2
    try:
        messages = Messages(sys.stdin)
    except ValueError as error:
        print(f"sweep: Cargo's messages could not be read ({error}); nothing removed", file=sys.stderr)
        return 2
    if not messages.kept:
        print("sweep: Cargo named no units; nothing removed", file=sys.stderr)
        return 2
    protected = messages.settle(profiles)
    doomed = []
    for profile in profiles:
        for sub in HASHED_FILES:
            doomed += superseded(os.path.join(profile, sub), messages.kept)
        for sub in HASHED_DIRS:
            doomed += superseded(os.path.join(profile, sub), messages.kept, protected)
        if since is not None:
            doomed += untouched_incremental(os.path.join(profile, "incremental"), since)
    freed = 0
    for path in doomed:
        freed += entry_size(path)
        if dry_run:
            print(f"would remove {path}")
        else:
            remove(path)
    verb = "would remove" if dry_run else "removed"
    print(f"{verb} {len(doomed)} superseded build entries, {freed / 1e9:.2f} GB; the gate uses {len(messages.kept)} units")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
