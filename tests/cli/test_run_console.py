"""``newsbot run`` with no chat tokens: the console channel on stdin/stdout, end to end.

A fresh project folder (config + seeds, no data yet), the real pipeline and SQLite,
``python -m bot run`` as a subprocess with its stdin piped.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, nikkei_text


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh clone's worth of files: config/ and seeds/, no data/ yet."""
    shutil.copytree(REPO / "config", tmp_path / "config")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    return tmp_path


def _env() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "DISCORD_", "SLACK_"))
    }
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_piped_who_on_a_fresh_data_folder(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input="/who Peskov\n",
        cwd=project,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Dmitry Peskov" in done.stdout
    assert "ペスコフ" in done.stdout
    assert "ロシア大統領報道官" in done.stdout
    assert "In 2 articles" in done.stdout
    assert (project / "data" / "newsbot.db").exists()
    assert (project / "seeds" / "000_c0298d739a49e9f8.txt").exists(), "seeds are never moved"


def test_a_dropped_file_alerts_the_console_once(project: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=project,
        env=_env(),
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in proc.stdout],  # type: ignore[union-attr]
        daemon=True,
    ).start()
    seen: list[str] = []

    def wait_for(text: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                seen.append(lines.get(timeout=0.5))
            except queue.Empty:
                continue
            if text in seen[-1]:
                return
        raise AssertionError(f"{text!r} never printed; got:\n{''.join(seen)}")

    try:
        wait_for("Type /help")
        inbox = project / "data" / "inbox"
        title = "ロシアとウクライナ、捕虜390人ずつを交換"
        body = (
            "ロシアとウクライナは23日、捕虜390人ずつを交換した。"
            "仲介したトルコのエルドアン大統領は「人道的な一歩だ」と語った。"
            "双方は停戦交渉の再開に向けた協議も続けている。"
        )
        (inbox / "swap.txt").write_text(nikkei_text(title, body), encoding="utf-8")
        wait_for(title)
        proc.stdin.write("/subscriptions\n")  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
        wait_for("all topics")
        proc.stdin.close()  # type: ignore[union-attr]
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    rest = proc.stdout.read()  # type: ignore[union-attr]
    output = "".join(seen) + rest
    assert output.count(title) == 1, output
    assert "Traceback" not in proc.stderr.read()  # type: ignore[union-attr]
    assert (project / "data" / "archive" / "swap.txt").exists()
