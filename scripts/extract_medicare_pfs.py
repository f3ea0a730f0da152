"""Extract the Medicare PFS figures paritykit ships from CMS's RVU and GPCI files.

Usage::

    python scripts/extract_medicare_pfs.py PPRRVU25_JAN.csv GPCI2025.csv --year 2025

reads the CSV versions of the CMS National Physician Fee Schedule Relative Value File
(``PPRRVU*``) and the GPCI file (Addendum E, ``GPCI*``) from the RVU zip of that year and
writes ``src/paritykit/data/medicare_pfs_rvu_<year>.csv`` (the rows of the behavioral-health
and office E/M codes below: code numbers, status and RVUs only; the AMA descriptions are left
out) and ``src/paritykit/data/medicare_pfs_gpci_<year>.csv`` (every locality). Numbers are
written at CMS's precision (RVUs 2 decimals, GPCIs 3, conversion factor 4); MAC numbers and
locality numbers get back their leading zeros where a spreadsheet dropped them. Prints the
SHA-256 of the inputs and outputs for ``MEDICARE_SOURCES.md``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from decimal import Decimal
from pathlib import Path

#: The codes shipped: psychiatric diagnostic evaluation, psychotherapy (with and without E/M),
#: crisis, family and group psychotherapy, interactive complexity, brief assessment,
#: psychological and neuropsychological testing, and office E/M visits.
CODES = (
    *("90785", "90791", "90792", "90832", "90833", "90834", "90836", "90837", "90838"),
    *("90839", "90840", "90846", "90847", "90853"),
    *("96127", "96130", "96131", "96132", "96133", "96136", "96137", "96138", "96139"),
    *("99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215"),
)

RVU_COLUMNS = (
    "procedure_code",
    "modifier",
    "status_code",
    "work_rvu",
    "nonfacility_pe_rvu",
    "nonfacility_na_indicator",
    "facility_pe_rvu",
    "facility_na_indicator",
    "mp_rvu",
    "conversion_factor",
)
GPCI_COLUMNS = ("mac", "state", "locality", "locality_name", "work_gpci", "pe_gpci", "mp_gpci")


def _num(text: str, places: int) -> str:
    return f"{Decimal(text.strip() or '0'):.{places}f}"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extract_rvus(path: Path) -> list[dict[str, str]]:
    rows = list(csv.reader(path.read_text("latin-1").splitlines()))
    start = next(i for i, r in enumerate(rows) if r and r[0].strip() == "HCPCS") + 1
    head = [c.strip() for c in rows[start - 1]]
    # column positions of the CMS layout (stable since 2010): HCPCS, MOD, DESCRIPTION,
    # STATUS CODE, NOT USED FOR MEDICARE PAYMENT, WORK RVU, NON-FAC PE RVU, NON-FAC NA
    # INDICATOR, FACILITY PE RVU, FACILITY NA INDICATOR, MP RVU, ... CONV FACTOR
    assert head[:11] == [
        "HCPCS", "MOD", "DESCRIPTION", "CODE", "PAYMENT", "RVU", "PE RVU", "INDICATOR",
        "PE RVU", "INDICATOR", "RVU",
    ], head  # fmt: skip
    cf_at = head.index("FACTOR")
    out = []
    for r in rows[start:]:
        if not r or r[0].strip() not in CODES:
            continue
        out.append(
            {
                "procedure_code": r[0].strip(),
                "modifier": r[1].strip(),
                "status_code": r[3].strip(),
                "work_rvu": _num(r[5], 2),
                "nonfacility_pe_rvu": _num(r[6], 2),
                "nonfacility_na_indicator": r[7].strip(),
                "facility_pe_rvu": _num(r[8], 2),
                "facility_na_indicator": r[9].strip(),
                "mp_rvu": _num(r[10], 2),
                "conversion_factor": _num(r[cf_at], 4),
            }
        )
    missing = sorted(set(CODES) - {r["procedure_code"] for r in out})
    assert not missing, f"codes not in {path.name}: {missing}"
    return sorted(out, key=lambda r: (r["procedure_code"], r["modifier"]))


def extract_gpcis(path: Path) -> list[dict[str, str]]:
    out = []
    for r in csv.reader(path.read_text("latin-1").splitlines()):
        if len(r) < 7 or len(r[1].strip()) != 2 or not r[0].strip().isdigit():
            continue  # title, header, notes
        out.append(
            {
                "mac": r[0].strip().zfill(5),
                "state": r[1].strip(),
                "locality": r[2].strip().zfill(2),
                "locality_name": r[3].strip(),
                "work_gpci": _num(r[4], 3),
                "pe_gpci": _num(r[5], 3),
                "mp_gpci": _num(r[6], 3),
            }
        )
    keys = [(r["state"], r["locality"]) for r in out]
    assert len(keys) == len(set(keys)), "state + locality is not unique"
    return out


def _write(rows: list[dict[str, str]], columns: tuple[str, ...], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pprrvu", type=Path)
    parser.add_argument("gpci", type=Path)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "src/paritykit/data"
    )
    args = parser.parse_args()
    rvu_out = args.out / f"medicare_pfs_rvu_{args.year}.csv"
    gpci_out = args.out / f"medicare_pfs_gpci_{args.year}.csv"
    rvus = extract_rvus(args.pprrvu)
    gpcis = extract_gpcis(args.gpci)
    _write(rvus, RVU_COLUMNS, rvu_out)
    _write(gpcis, GPCI_COLUMNS, gpci_out)
    for path in (args.pprrvu, args.gpci, rvu_out, gpci_out):
        print(f"{_sha(path)}  {path.name}")
    print(f"{len(rvus)} RVU rows, {len(gpcis)} localities")


if __name__ == "__main__":
    main()
