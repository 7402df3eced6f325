"""Tests of sweep_target.py on a made-up target directory (run by scripts/test's "scripts" step)."""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sweep_target.py")
OLD, NEW, TEST, BUILD, RUN, OTHER = (f"{n:016x}" for n in (0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6))


def artifact(*filenames, executable=None, package="registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0"):
    return json.dumps({"reason": "compiler-artifact", "package_id": package, "filenames": list(filenames),
                       "executable": executable})


class SweepTarget(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.profile = os.path.join(self.dir.name, "debug")
        for sub in ("deps", "build", ".fingerprint", "incremental"):
            os.makedirs(os.path.join(self.profile, sub))

    def tearDown(self):
        self.dir.cleanup()

    def path(self, *parts):
        return os.path.join(self.profile, *parts)

    def make(self, *parts, size=10):
        path = self.path(*parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as file:
            file.write(b"x" * size)
        return path

    def sweep(self, messages, *args):
        return subprocess.run(
            [sys.executable, SCRIPT, *args, self.profile],
            input="\n".join(messages) + "\n",
            capture_output=True,
            text=True,
        )

    def present(self, *parts):
        return os.path.exists(self.path(*parts))

    def test_a_superseded_copy_goes_and_what_is_in_use_or_unknown_stays(self):
        self.make("deps", f"libserde-{NEW}.rlib")
        self.make("deps", f"libserde-{NEW}.rmeta")
        self.make("deps", f"libserde-{OLD}.rlib", size=1000)
        self.make("deps", f"serde-{OLD}.d")  # no .d of serde is in use: a name the gate no longer builds
        self.make("deps", f"libgone-{OLD}.rlib")  # a crate the gate no longer builds at all
        self.make("deps", "auth.wasm")  # no hash in its name
        self.make(".fingerprint", f"serde-{NEW}", "lib-serde")
        self.make(".fingerprint", f"serde-{OLD}", "lib-serde")
        done = self.sweep([artifact(self.path("deps", f"libserde-{NEW}.rlib"), self.path("deps", f"libserde-{NEW}.rmeta"))])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("removed 2 superseded build entries", done.stdout)
        self.assertFalse(self.present("deps", f"libserde-{OLD}.rlib"))
        self.assertFalse(self.present(".fingerprint", f"serde-{OLD}"))
        for kept in (f"libserde-{NEW}.rlib", f"libserde-{NEW}.rmeta", f"serde-{OLD}.d", f"libgone-{OLD}.rlib", "auth.wasm"):
            self.assertTrue(self.present("deps", kept), kept)
        self.assertTrue(self.present(".fingerprint", f"serde-{NEW}"))

    def test_a_binary_named_without_a_hash_keeps_its_hashed_file_and_fingerprint(self):
        binary = self.make("deps", f"emmaus-{NEW}")
        os.link(binary, self.path("emmaus"))
        self.make("deps", f"emmaus-{TEST}")  # the same crate's test binary, named in its message
        self.make("deps", f"emmaus-{OLD}")
        for unit in (NEW, TEST, OLD):
            self.make(".fingerprint", f"emmaus-{unit}", "bin-emmaus")
        done = self.sweep([artifact(self.path("emmaus"), executable=self.path("emmaus")),
                           artifact(self.path("deps", f"emmaus-{TEST}"), executable=self.path("deps", f"emmaus-{TEST}"))])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(self.present("deps", f"emmaus-{NEW}"))
        self.assertTrue(self.present(".fingerprint", f"emmaus-{NEW}"))
        self.assertTrue(self.present("deps", f"emmaus-{TEST}"))
        self.assertFalse(self.present("deps", f"emmaus-{OLD}"))
        self.assertFalse(self.present(".fingerprint", f"emmaus-{OLD}"))

    def test_an_example_copied_up_keeps_its_hashed_file(self):
        example = self.make("examples", f"hello-{NEW}")
        os.link(example, self.path("examples", "hello"))
        self.make("examples", f"hello-{OLD}")
        self.make(".fingerprint", f"emmaus-{NEW}", "example-hello")
        self.make(".fingerprint", f"emmaus-{TEST}", "test-lib-emmaus")
        done = self.sweep([artifact(self.path("examples", "hello"), package="path+file:///w/cli#emmaus@0.1.0"),
                           artifact(self.path("deps", f"emmaus-{TEST}"), package="path+file:///w/cli#emmaus@0.1.0")])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(self.present("examples", f"hello-{NEW}"))
        self.assertTrue(self.present(".fingerprint", f"emmaus-{NEW}"))
        self.assertFalse(self.present("examples", f"hello-{OLD}"))

    def test_a_library_that_is_also_a_cdylib_keeps_its_package_fingerprints(self):
        # A function's library has no hash in its file names, and its fingerprint directory a hash
        # no message gives (OTHER), beside its test unit's (TEST).
        self.make("deps", "libspin_conformance.so")
        self.make("deps", "libspin_conformance.rlib")
        self.make("deps", f"spin_conformance-{TEST}")
        self.make("deps", f"spin_conformance-{OLD}")
        self.make(".fingerprint", f"spin-conformance-{OTHER}", "lib-spin_conformance")
        self.make(".fingerprint", f"spin-conformance-{TEST}", "test-lib-spin_conformance")
        package = "path+file:///w/shared/spin-conformance#0.1.0"
        done = self.sweep([artifact(self.path("deps", "libspin_conformance.so"), self.path("deps", "libspin_conformance.rlib"),
                                    package=package),
                           artifact(self.path("deps", f"spin_conformance-{TEST}"), package=package)])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(self.present(".fingerprint", f"spin-conformance-{OTHER}"))
        self.assertTrue(self.present("deps", "libspin_conformance.so"))
        self.assertFalse(self.present("deps", f"spin_conformance-{OLD}"))

    def test_build_scripts_keep_the_directory_they_were_built_in_and_the_one_they_wrote(self):
        self.make("build", f"ring-{BUILD}", "build-script-build")
        self.make("build", f"ring-{RUN}", "out", "libring.a")
        self.make("build", f"ring-{OTHER}", "out", "libring.a", size=5000)
        done = self.sweep([artifact(self.path("build", f"ring-{BUILD}", "build-script-build")),
                           json.dumps({"reason": "build-script-executed", "out_dir": self.path("build", f"ring-{RUN}", "out")})])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("removed 1 superseded build entries, 0.00 GB", done.stdout)
        self.assertTrue(self.present("build", f"ring-{BUILD}"))
        self.assertTrue(self.present("build", f"ring-{RUN}", "out", "libring.a"))
        self.assertFalse(self.present("build", f"ring-{OTHER}"))

    def test_incremental_caches_go_only_when_the_crate_was_compiled_into_another(self):
        began = time.time()
        for name, age in (("app-0aaaaaaaaaaaa", 0), ("app-1bbbbbbbbbbbb", 3600), ("idle-2cccccccccccc", 3600)):
            self.make("incremental", name, "s-session", "dep-graph.bin")
            stamp = began - age
            os.utime(self.path("incremental", name), (stamp, stamp))
        self.make("deps", f"libapp-{NEW}.rlib")
        done = self.sweep([artifact(self.path("deps", f"libapp-{NEW}.rlib"))], "--touched-since", str(began - 60))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(self.present("incremental", "app-0aaaaaaaaaaaa"))
        self.assertFalse(self.present("incremental", "app-1bbbbbbbbbbbb"))
        self.assertTrue(self.present("incremental", "idle-2cccccccccccc"))

    def test_a_dry_run_removes_nothing_and_says_what_it_would(self):
        self.make("deps", f"libserde-{NEW}.rlib")
        self.make("deps", f"libserde-{OLD}.rlib")
        done = self.sweep([artifact(self.path("deps", f"libserde-{NEW}.rlib"))], "--dry-run")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(f"would remove {self.path('deps', f'libserde-{OLD}.rlib')}", done.stdout)
        self.assertTrue(self.present("deps", f"libserde-{OLD}.rlib"))

    def test_messages_it_cannot_read_or_that_name_nothing_remove_nothing(self):
        self.make("deps", f"libserde-{NEW}.rlib")
        self.make("deps", f"libserde-{OLD}.rlib")
        for messages, reason in (([artifact(self.path("deps", f"libserde-{NEW}.rlib")), "{not json"], "line 2 is not JSON"),
                                 ([], "Cargo named no units")):
            done = self.sweep(messages)
            self.assertEqual(done.returncode, 2)
            self.assertIn(reason, done.stderr)
            self.assertTrue(self.present("deps", f"libserde-{OLD}.rlib"))


if __name__ == "__main__":
    unittest.main()
