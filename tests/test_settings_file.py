"""Literal settings read from pelicanconf.py without running it."""

from __future__ import annotations

import pytest
from newsarchive.settings_file import SettingError, read_literal


def test_a_literal_is_read_and_the_last_assignment_wins(tmp_path):
    conf = tmp_path / "pelicanconf.py"
    conf.write_text('X = {"a": ["b"]}\nimport os\nX = {"a": ["c"], "n": 1}\nY = os.sep\n', "utf-8")
    assert read_literal(conf, "X") == {"a": ["c"], "n": 1}
    assert read_literal(conf, "MISSING", "default") == "default"
    assert read_literal(tmp_path / "none.py", "X", 7) == 7
    with pytest.raises(SettingError, match=r"pelicanconf.py:4: Y is not a literal value"):
        read_literal(conf, "Y")


def test_a_file_that_is_not_python_is_an_error_with_its_line(tmp_path):
    conf = tmp_path / "pelicanconf.py"
    conf.write_text("X = 1\nY = (\n", "utf-8")
    with pytest.raises(SettingError, match=r"pelicanconf.py:2: not valid Python"):
        read_literal(conf, "X")
