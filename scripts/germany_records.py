"""SQL that grows a seeded OZG-Monitor database to Germany size for the export benchmark
(scripts/bench-germany-export.sh): every German Kreis and Gemeinde outside the seeded Land from
the Destatis list, and one record per (Gemeinde service, Gemeinde) with a deterministic status
mix. The same SQL runs on SQLite and PostgreSQL. Usage: python3 germany_records.py CSV LAND_CODE
"""
import csv
import sys

CHUNK = 500


def quote(text):
    return "'" + text.replace("'", "''") + "'"


def values(rows):
    for i in range(0, len(rows), CHUNK):
        yield ",\n".join(rows[i:i + CHUNK])


def main(path, land_code):
    with open(path, encoding="utf-8") as f:
        gemeinden = [g for g in csv.DictReader(f) if not g["ags_8"].startswith(land_code)]
    kreise = {}
    for g in gemeinden:
        kreise.setdefault(g["kreis_schluessel_5"], g["kreis"])
    land = f"(SELECT id FROM org_unit WHERE kind = 'land')"
    out = ["BEGIN;"]
    rows = [
        f"({quote(code)}, 'kreis', {quote(name)}, {quote(code)}, {quote(code)}, {land}, NULL)"
        for code, name in sorted(kreise.items())
    ]
    for chunk in values(rows):
        out.append(f"INSERT INTO org_unit (code, kind, name, ags, ars, parent_id, population) VALUES\n{chunk};")
    rows = [
        f"({quote(g['ags_8'])}, 'gemeinde', {quote(g['gemeinde'])}, {quote(g['ags_8'])}, {quote(g['ars_12'])}, "
        f"(SELECT id FROM org_unit WHERE code = {quote(g['kreis_schluessel_5'])}), {int(g['einwohner_31_12_2019'] or 0)})"
        for g in gemeinden
    ]
    for chunk in values(rows):
        out.append(f"INSERT INTO org_unit (code, kind, name, ags, ars, parent_id, population) VALUES\n{chunk};")
    # a third online, a tenth in progress, the rest not started: deterministic, on both databases
    out.append(
        "INSERT INTO implementation_record (ozg_id, org_unit_id, status_code, version, updated_at) "
        "SELECT s.ozg_id, o.id, CASE WHEN (s.ozg_id + o.id) % 10 < 3 THEN 'online' "
        "WHEN (s.ozg_id + o.id) % 10 = 3 THEN 'in_umsetzung' ELSE 'nicht_begonnen' END, 1, "
        "'2026-11-29T00:00:00Z' FROM service s JOIN org_unit o ON o.kind = 'gemeinde' "
        f"AND o.code NOT LIKE '{land_code}%' WHERE s.active AND s.responsibility = 'gemeinde';"
    )
    out.append("COMMIT;")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
