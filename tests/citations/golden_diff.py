"""Developer helper: print engine vs citeproc-js differences.

    PYTHONPATH=plugins .venv/bin/python tests/citations/golden_diff.py [STYLE] [FORM] [FMT]
"""
import sys

from test_golden import EXPECTED, ITEMS, ITEMS_BY_ID, CitationEngine, render  # noqa: F401


def main(argv):
    style_f = argv[0] if len(argv) > 0 else None
    form_f = argv[1] if len(argv) > 1 else None
    fmt_f = argv[2] if len(argv) > 2 else None
    engine = CitationEngine(list(EXPECTED))
    stats = {}
    for style, data in EXPECTED.items():
        if style_f and style != style_f:
            continue
        for item_id, rec in data["items"].items():
            for key, exp in sorted(rec.items()):
                form, fmt = key.split(".")
                if (form_f and form != form_f) or (fmt_f and fmt != fmt_f):
                    continue
                try:
                    got = render(engine, style, item_id, form, fmt)
                except Exception as e:  # noqa: BLE001
                    got = f"EXC {type(e).__name__}: {e}"
                ok = got == exp
                s = stats.setdefault(style, [0, 0])
                s[0] += ok
                s[1] += 1
                if not ok:
                    print(f"--- {style}/{item_id}/{form}/{fmt}\n  exp: {exp}\n  got: {got}")
        if not form_f:
            for fmt in ("text", "html"):
                if fmt_f and fmt != fmt_f:
                    continue
                exp = [e[fmt] for e in data["bibliography"]]
                got = engine.bibliography(ITEMS, style, fmt)
                s = stats.setdefault(style, [0, 0])
                s[0] += got == exp
                s[1] += 1
                if got != exp:
                    print(f"--- {style}/*/bibliography/{fmt}")
                    for a, b in zip(exp, got):
                        if a != b:
                            print(f"  exp: {a}\n  got: {b}")
    for style, (ok, n) in stats.items():
        print(f"{style}: {ok}/{n}")


if __name__ == "__main__":
    sys.path.insert(0, ".")
    main(sys.argv[1:])
