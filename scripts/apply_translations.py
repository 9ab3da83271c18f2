"""Fill untranslated or fuzzy entries of a catalogue from JSON files of translations.

    python scripts/apply_translations.py locale/zh_Hans/LC_MESSAGES/django.po \
        var/translations/*.json

Each JSON file maps a msgid (``"context\\u0004msgid"`` for pgettext) to its translation, or to
a list of forms for plural entries. Entries already translated and not fuzzy are left alone;
what is still missing afterwards is listed, so that a person can finish the catalogue.
"""

import json
import sys

import polib


def main(po_path: str, *json_paths: str) -> int:
    table: dict = {}
    for path in json_paths:
        with open(path, encoding="utf-8") as handle:
            table.update(json.load(handle))
    catalogue = polib.pofile(po_path)
    filled = 0
    for entry in catalogue:
        if entry.obsolete or (entry.translated() and "fuzzy" not in entry.flags):
            continue
        key = f"{entry.msgctxt}\u0004{entry.msgid}" if entry.msgctxt else entry.msgid
        value = table.get(key, table.get(entry.msgid))
        if value is None:
            continue
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            # Chinese has one plural form; a catalogue with more reuses the last one given.
            count = max(1, len(entry.msgstr_plural))
            entry.msgstr_plural = {i: forms[min(i, len(forms) - 1)] for i in range(count)}
        else:
            entry.msgstr = value[0] if isinstance(value, list) else value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
        filled += 1
    for entry in catalogue:
        # A "#| msgid_plural" left without its "#| msgid" makes msgmerge refuse the file.
        if "fuzzy" not in entry.flags:
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    catalogue.save(po_path)
    missing = [
        e for e in catalogue
        if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)
    ]
    print(f"filled {filled}; still missing {len(missing)}")
    for entry in missing:
        print(json.dumps(entry.msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
