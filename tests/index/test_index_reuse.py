"""Index.check(..., reuse=True): copied passages of pairs that are not
related, the same as ``dedup scan`` writes to reuse.jsonl."""
from __future__ import annotations

import json

from click.testing import CliRunner

from dedup import scan
from dedup.cli import main
from dedup.index import Index
from dedup.text.sentences import split_sentences


def _pasted(seeds) -> str:
    """Seed 003 with two sentences of seed 000 pasted at its end."""
    spans = split_sentences(seeds["000"])
    return seeds["003"] + "\n\n" + " ".join(seeds["000"][s.start:s.end] for s in spans[5:7]) + "\n"


def test_copied_passages_are_matches_only_when_asked_for(location, seeds, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(seeds["000"], encoding="utf-8")
    (docs / "b.txt").write_text(_pasted(seeds), encoding="utf-8")
    expected = scan(docs, workers=1)
    assert expected.pairs == [] and len(expected.reuse) == 1
    with Index(location) as ix:
        ix.add("a.txt", seeds["000"])
        assert ix.check("b.txt", _pasted(seeds)) == []  # the contract: [] for content with no related pair
        [m] = ix.check("b.txt", _pasted(seeds), reuse=True)
        assert m.doc_id == "a.txt" and m.verdict == "unrelated" and not m.related
        assert m.reuse.to_dict() == expected.reuse[0].to_dict()
        assert (m.source, m.suspect) == ("a.txt", "b.txt")
        assert m.to_dict()["reuse"] == expected.reuse[0].to_dict()
        assert "reuse" not in ix.check("c.txt", seeds["000"], reuse=True)[0].to_dict()  # a copy: related
        # add() takes it too, and reports the same
        [m2] = ix.add("b.txt", _pasted(seeds), reuse=True)
        assert m2.reuse.to_dict() == m.reuse.to_dict()
        assert len(ix) == 2


def test_cli_check_reuse(tmp_path, seeds):
    loc = str(tmp_path / "x.dedup")
    (tmp_path / "a.txt").write_text(seeds["000"], encoding="utf-8")
    (tmp_path / "b.txt").write_text(_pasted(seeds), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["index", "add", loc, str(tmp_path / "a.txt"), "--no-progress"]).exit_code == 0
    r = runner.invoke(main, ["index", "check", loc, str(tmp_path / "b.txt")])
    assert r.exit_code == 0 and r.output == "b.txt\tnew\n"
    r = runner.invoke(main, ["index", "check", loc, str(tmp_path / "b.txt"), "--reuse", "--format", "json"])
    assert r.exit_code == 0, r.output
    [m] = json.loads(r.output)["matches"]
    assert m["verdict"] == "unrelated" and m["reuse"]["reused_chars"] > 200
    r = runner.invoke(main, ["index", "check", loc, str(tmp_path / "b.txt"), "--reuse"])
    assert r.output == f"b.txt\tunrelated\ta.txt\tcoverage {r.output.split('coverage ')[1].split()[0]}" \
                       f"\tcopied {m['reuse']['reused_chars']} characters\n"
