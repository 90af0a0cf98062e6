"""Reload: a changed file is picked up; a broken file leaves the live directory unchanged."""
from __future__ import annotations

import logging

from helpline.directory.live import LiveDirectory
from tests.directory.conftest import bump


def test_broken_file_leaves_the_live_directory_unchanged(folder, caplog):
    live = LiveDirectory(folder, check_every=0)
    assert live.reload()
    before = live.current
    assert before is not None
    path = folder / "staffordshire.yml"
    path.write_text(path.read_text().replace('"01543 676800"', '"01543 6768"'))
    bump(path)
    with caplog.at_level(logging.ERROR):
        assert live.get() is before  # refused: the last good version is served
    assert live.current is before
    assert live.current.directory.services["pathway-project-helpline"].phones[0].number == \
        "01543 676800"
    assert "Directory update refused" in caplog.text
    assert "staffordshire.yml:" in caplog.text and "not a valid UK phone number" in caplog.text
    assert "staffordshire.yml" in live.last_refusal[0]


def test_a_good_change_is_picked_up_without_restart(folder):
    live = LiveDirectory(folder, check_every=0)
    live.reload()
    path = folder / "staffordshire.yml"
    path.write_text(path.read_text().replace("name: Pathway Project helpline",
                                             "name: Pathway Project helpline (renamed)"))
    bump(path)
    # The very next message after a good save gets the new version (it used to be the one after).
    assert live.get().directory.services["pathway-project-helpline"].name.endswith("(renamed)")


def test_first_load_of_a_broken_folder_serves_nothing(folder):
    (folder / "needs.yml").write_text("needs: [")
    live = LiveDirectory(folder, check_every=0)
    assert live.get() is None
