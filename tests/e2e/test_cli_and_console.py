"""The command line as a newcomer uses it: the console (scripted) and `run` without a token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def hamkari(args: list[str], cwd: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"TELEGRAM_BOT_TOKEN", "DATABASE_URL", "WEBHOOK_URL"}}
    environment.update(env)
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120, env=environment)


def test_scripted_console_in_pashto_then_dari_keeps_state_in_the_database(tmp_path):
    first = hamkari(["console", "--lang", "ps"], tmp_path, "/start\n/help\n/language\n1\n")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "همکارۍ ته ښه راغلاست" in out  # Pashto greeting
    assert "  [1] دری\n  [2] پښتو\n  [3] Тоҷикӣ\n  [4] English" in out
    assert "همکاري څه کوي" in out  # Pashto help title
    assert "(edited) انجام شد: از این پس به زبان دری" in out  # button 1 pressed: Dari
    assert "<b>" not in out and "\u2068" not in out  # rendered as a phone shows it
    assert (tmp_path / "hamkari.sqlite3").exists()

    # No --lang: the stored choice (Dari) is used, as for a real user.
    second = hamkari(["console"], tmp_path, "/help\n")
    assert "همکاری چه کارهایی می‌کند" in second.stdout


def test_console_in_tajik_with_wrong_button_numbers(tmp_path):
    result = hamkari(["console", "--lang", "tg"], tmp_path, "/start\n9\n3\n")
    assert "Ба Ҳамкорӣ хуш омадед" in result.stdout
    assert "(no button 9: choose 1-5)" in result.stdout
    assert "бо забони тоҷикӣ" in result.stdout


def test_run_without_a_token_explains_botfather_and_the_console(tmp_path):
    result = hamkari(["run"], tmp_path)
    assert result.returncode == 2
    assert "@BotFather" in result.stderr and "hamkari console --lang" in result.stderr


def test_a_bad_setting_stops_start_up_with_one_line(tmp_path):
    result = hamkari(["run"], tmp_path, HAMKARI_TIMEZONE="Kabul")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Invalid setting HAMKARI_TIMEZONE: expected an IANA time zone such as Asia/Kabul or Asia/Dushanbe"
    ]


def test_migrate_creates_and_upgrades_the_database(tmp_path):
    result = hamkari(["migrate"], tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert (tmp_path / "x.sqlite3").exists()


async def test_the_console_shows_a_poll_and_answers_it_with_vote(tmp_path):
    """A poll sent to the console user is printed with numbered options; `vote N` answers it as
    Telegram would report it (named: poll_answer; anonymous: the poll's new totals)."""
    import io

    from bot.console.fake_api import ApiCall
    from bot.console.session import CONSOLE_USER_ID, ConsoleSession
    from tests.conftest import make_settings

    out = io.StringIO()
    session = ConsoleSession(make_settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/c.db"),
                             out)
    for anonymous in (False, True):
        params = {"chat_id": CONSOLE_USER_ID, "question": "Which day?",
                  "options": ["Saturday", "Sunday"], "is_anonymous": anonymous}
        session.api._answer("sendPoll", params)
        session._show(ApiCall("sendPoll", params))
        assert "📊 Which day?\n  (1) Saturday\n  (2) Sunday" in out.getvalue()
        assert session._vote(["3"]) is None and "(vote with option numbers 1-2)" in out.getvalue()
        assert session._vote(["1", "2"]) is None  # one answer only
        update = session._vote(["2"])
        if anonymous:
            assert [o["voter_count"] for o in update["poll"]["options"]] == [0, 1]
        else:
            assert update["poll_answer"]["option_ids"] == [1]
