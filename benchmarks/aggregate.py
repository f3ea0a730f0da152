"""Benchmark: paritykit.summarize_outcomes vs hand-written DuckDB SQL vs pandas.

Generates a synthetic claims Parquet (default 20M lines), then times, each in its own process
so peak memory is measured per method:

* ``paritykit``: ``summarize_outcomes(scan_claims(path))`` (default ``unmapped="raise"``,
  which adds one counting scan to look for lines no rule can classify);
* ``paritykit_flag``: the same with ``unmapped="flag"`` (one scan, like the SQL);
* ``duckdb_sql``: one hand-written DuckDB SQL query computing the same table;
* ``pandas``: the same computation in pandas on the first ``--pandas-rows`` lines (as many as
  fit), reported per line and scaled to the full size.

Prints seconds, peak resident memory and the ratios.

``--whole-process`` times whole processes instead (Python start, imports and the query, both
sides): ``paritykit outcomes FILE`` on the raw file and on a file written once by ``paritykit
prepare``, against ``python -c "<the hand-written DuckDB query>"``, each ``--repeat`` times
(default 3), interleaved, in the same run; it prints the medians, the ratios to the SQL and the
peak resident memory of each (from ``wait4``), and checks the two paritykit outputs are equal.
A fourth case reads the prepared file with another rule set (``--rules``), so its stored
classification cannot be reused. ``--messy PATH`` times a copy of the data spelled as a messy
export (lower-case and dotted codes, unpadded places of service, "In-Network", "CO-" prefixes).

Usage::

    python benchmarks/aggregate.py                 # 20M lines
    python benchmarks/aggregate.py --rows 100000000
    python benchmarks/aggregate.py --rows 20000    # smoke test
    python benchmarks/aggregate.py --whole-process --data claims.parquet
    python benchmarks/aggregate.py --whole-process --data claims.parquet --messy messy.parquet
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HAND_SQL = """
WITH l AS (
  SELECT plan_id, claim_type, network_status, status, denial_reason, prior_auth,
         allowed_amount, paid_amount,
         upper(replace(diagnosis_code, '.', '')) AS dx, procedure_code AS proc,
         revenue_code AS rev, place_of_service AS pos, bill_type
  FROM read_parquet('{path}')
), s AS (
  SELECT *,
    CASE WHEN dx IS NOT NULL THEN (CASE WHEN substr(dx, 1, 3) BETWEEN 'F01' AND 'F99'
                                        THEN 'mhsud' ELSE 'ms' END)
         WHEN proc BETWEEN '90785' AND '90899' OR proc BETWEEN 'H0001' AND 'H2037' THEN 'mhsud'
         WHEN proc IS NOT NULL THEN 'ms'
         WHEN rev IN ('0114','0124','0134','0144','0154','0513')
              OR rev BETWEEN '0900' AND '0919' OR rev BETWEEN '0944' AND '0945' THEN 'mhsud'
         WHEN rev IS NOT NULL THEN 'ms' END AS side,
    CASE WHEN claim_type = 'pharmacy' THEN 'prescription_drugs'
         WHEN pos = '23' THEN 'emergency'
         WHEN pos IN ('21','51','55','56','61') THEN 'inpatient'
         WHEN pos IN ('11','02','10','53','19','22','52','57','58') THEN 'outpatient'
         WHEN rev LIKE '045%' THEN 'emergency'
         WHEN substr(bill_type, 1, 2) = '11' THEN 'inpatient'
         WHEN substr(bill_type, 1, 2) = '13' THEN 'outpatient' END AS setting
  FROM l
)
SELECT plan_id,
  CASE WHEN setting IN ('prescription_drugs', 'emergency') THEN setting
       ELSE setting || '_' || network_status || '_of_network' END AS classification,
  side,
  count(*) AS claims,
  sum((status = 'denied')::INT) AS denied,
  sum((status = 'denied' AND denial_reason IN ('40','50','56','58','150','151','152','272'))::INT)
    AS denied_medical_necessity,
  sum((status = 'denied' AND denial_reason IN ('15','39','197','198','210','284','287','288',
    '296'))::INT) AS denied_prior_auth,
  sum((prior_auth IN ('approved', 'denied'))::INT) AS prior_auth_requests,
  sum((prior_auth = 'denied')::INT) AS prior_auth_denied,
  sum((network_status = 'out')::INT) AS out_of_network_claims,
  sum(allowed_amount) AS allowed_amount,
  sum(paid_amount) AS paid_amount
FROM s GROUP BY ALL
"""


def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM; ru_maxrss is inherited across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:  # pragma: no cover - not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _pandas(path: str, rows: int) -> dict[str, float]:
    import numpy as np
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    batches, have = [], 0
    for i in range(pf.num_row_groups):
        if have >= rows:
            break
        batches.append(pf.read_row_group(i))
        have += batches[-1].num_rows
    import pyarrow as pa

    t0 = time.perf_counter()
    df = pa.concat_tables(batches).slice(0, rows).to_pandas()
    dx = df["diagnosis_code"].str.replace(".", "", regex=False).str.upper()
    side = np.where(dx.str[:3].between("F01", "F99"), "mhsud", "ms")
    pos = df["place_of_service"]
    setting = np.select(
        [
            df["claim_type"] == "pharmacy",
            pos == "23",
            pos.isin(["21", "51", "55", "56", "61"]),
            pos.isin(["11", "02", "10", "53", "19", "22", "52", "57", "58"]),
            df["revenue_code"].str.startswith("045", na=False),
            df["bill_type"].str[:2] == "11",
            df["bill_type"].str[:2] == "13",
        ],
        ["prescription_drugs", "emergency", "inpatient", "outpatient", "emergency",
         "inpatient", "outpatient"],
        default="unmapped",
    )  # fmt: skip
    net = df["network_status"]
    cls = np.where(
        np.isin(setting, ["prescription_drugs", "emergency"]),
        setting,
        setting + "_" + net.to_numpy(dtype=str) + "_of_network",
    )
    denied = df["status"] == "denied"
    work = df.assign(
        side=side,
        classification=cls,
        denied=denied,
        mn=denied & df["denial_reason"].isin(["40", "50", "56", "58", "150", "151", "152"]),
        pa=denied & df["denial_reason"].isin(["15", "39", "197", "198", "210", "284", "288"]),
        pa_req=df["prior_auth"].isin(["approved", "denied"]),
        pa_den=df["prior_auth"] == "denied",
        oon=net == "out",
        allowed=df["allowed_amount"].astype("float64"),
        paid=df["paid_amount"].astype("float64"),
    )
    out = work.groupby(["plan_id", "classification", "side"]).agg(
        claims=("denied", "size"),
        denied=("denied", "sum"),
        mn=("mn", "sum"),
        pa=("pa", "sum"),
        pa_req=("pa_req", "sum"),
        pa_den=("pa_den", "sum"),
        oon=("oon", "sum"),
        allowed=("allowed", "sum"),
        paid=("paid", "sum"),
    )
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": float(len(df)), "denied": float(out["denied"].sum())}


def worker(method: str, path: str, pandas_rows: int) -> dict[str, float]:
    """Run one method; return seconds, peak memory and a checksum."""
    if method == "pandas":
        res = _pandas(path, pandas_rows)
    elif method == "duckdb_sql":
        import duckdb

        con = duckdb.connect()
        t0 = time.perf_counter()
        frame = con.execute(HAND_SQL.format(path=path)).df()
        res = {"seconds": time.perf_counter() - t0, "denied": float(frame["denied"].sum())}
    else:
        import paritykit as pk

        unmapped = "flag" if method == "paritykit_flag" else "raise"
        t0 = time.perf_counter()
        frame = pk.summarize_outcomes(pk.scan_claims(path), unmapped=unmapped)
        res = {"seconds": time.perf_counter() - t0, "denied": float(frame["denied"].sum())}
    res["peak_mb"] = _peak_mb()
    return res


#: The export's mess, line by line (a hash of the line picks the spelling): codes in lower case,
#: without or with their dot, with spaces around; places of service and revenue codes without
#: leading zeros; bill types with a leading 0; coded values capitalized or spelled out; CARC
#: codes with their group prefix; a few ids with spaces around. paritykit normalizes it all.
MESSY_SQL = """
COPY (
  SELECT * EXCLUDE (h) REPLACE (
    CASE WHEN h % 97 = 0 THEN ' ' || claim_id || ' ' ELSE claim_id END AS claim_id,
    CASE h % 4 WHEN 0 THEN lower(diagnosis_code) WHEN 1 THEN replace(diagnosis_code, '.', '')
               WHEN 2 THEN ' ' || diagnosis_code || ' ' ELSE diagnosis_code END AS diagnosis_code,
    CASE WHEN h % 5 = 0 THEN lower(procedure_code) ELSE procedure_code END AS procedure_code,
    CASE WHEN h % 3 = 0 THEN ltrim(revenue_code, '0') ELSE revenue_code END AS revenue_code,
    CASE WHEN h % 3 = 1 THEN ltrim(place_of_service, '0') ELSE place_of_service END
      AS place_of_service,
    CASE WHEN h % 2 = 0 THEN '0' || bill_type ELSE bill_type END AS bill_type,
    CASE h % 3 WHEN 0 THEN upper(claim_type) WHEN 1 THEN claim_type || ' '
               ELSE claim_type END AS claim_type,
    CASE h % 4 WHEN 0 THEN (CASE network_status WHEN 'in' THEN 'In-Network'
                                                ELSE 'Out-of-Network' END)
               WHEN 1 THEN upper(network_status) ELSE network_status END AS network_status,
    CASE h % 3 WHEN 0 THEN upper(status) WHEN 1 THEN ' ' || status ELSE status END AS status,
    CASE WHEN h % 2 = 0 THEN 'CO-' || denial_reason ELSE denial_reason END AS denial_reason,
    CASE WHEN h % 3 = 0 THEN replace(upper(prior_auth), '_', ' ') ELSE prior_auth END
      AS prior_auth
  )
  FROM (SELECT *, hash(claim_id, line_number) AS h FROM read_parquet({src}))
) TO {dst} (FORMAT parquet, COMPRESSION zstd)
"""


def _messy(path: Path, target: Path) -> None:
    """Write ``target``: the lines of ``path`` spelled as a real export spells them.

    In a child process: a child's peak memory (``wait4``) starts at its parent's, so the
    parent must stay small.
    """
    quote = lambda p: "'" + str(p).replace("'", "''") + "'"  # noqa: E731
    sql = MESSY_SQL.format(src=quote(path), dst=quote(target))
    code = "import duckdb, sys; duckdb.connect().execute(sys.argv[1])"
    subprocess.run([sys.executable, "-c", code, sql], check=True)


def _timed(cmd: list[str]) -> tuple[float, float, int]:
    """Run ``cmd``; return (wall seconds, peak resident MiB of the child, exit code)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        print(" ".join(cmd[:4]), "failed:", err[-2000:])
    return seconds, usage.ru_maxrss / 1024.0, proc.returncode


def whole_process(path: Path, repeat: int, prepared: Path | None = None) -> int:
    """Time whole processes: paritykit outcomes (raw, prepared) vs python -c SQL."""
    work = tempfile.TemporaryDirectory()
    env_py = sys.executable
    if prepared is None:
        prepared = Path(work.name) / "prepared.parquet"
    if not prepared.exists():
        sec, mib, rc = _timed(
            [env_py, "-m", "paritykit", "prepare", str(path), "--out", str(prepared)]
        )
        if rc:
            return 1
        print(f"paritykit prepare (once): {sec:.2f} s, peak {mib:.0f} MiB")
    out_raw, out_prep = Path(work.name) / "raw.csv", Path(work.name) / "prep.csv"
    out_other = Path(work.name) / "other.csv"
    # the bundled rules under another version: the stored classification cannot be reused
    from importlib import resources

    bundled = (resources.files("paritykit") / "data/codesets/parity_default.yaml").read_text()
    other_rules = Path(work.name) / "other_rules.yaml"
    other_rules.write_text(bundled.replace('version: "', 'version: "bench-', 1))
    sql = HAND_SQL.format(path=str(path).replace("'", "''"))
    cases = {
        "duckdb_sql": [env_py, "-c", "import duckdb, sys; duckdb.connect().sql(sys.argv[1]).df()",
                       sql],
        "paritykit_raw": [env_py, "-m", "paritykit", "outcomes", str(path), "--out",
                          str(out_raw)],
        "paritykit_prepared": [env_py, "-m", "paritykit", "outcomes", str(prepared), "--out",
                               str(out_prep)],
        "prepared_other_rules": [env_py, "-m", "paritykit", "outcomes", str(prepared), "--out",
                                 str(out_other), "--rules", str(other_rules)],
    }  # fmt: skip
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in cases}
    for _ in range(repeat):
        for name, cmd in cases.items():  # interleaved, so load changes hit all cases alike
            sec, mib, rc = _timed(cmd)
            if rc:
                return 1
            runs[name].append((sec, mib))
    sql_s = statistics.median(s for s, _ in runs["duckdb_sql"])
    print(f"whole process, {repeat} runs each, interleaved; median seconds:")
    width = 2 + max(6, *(len(" ".join(f"{s:.2f}" for s, _ in got)) for got in runs.values()))
    print(f"{'case':<22}{'median s':>10}{'runs s':>{width}}{'peak MiB':>10}{'x SQL':>8}")
    for name, got in runs.items():
        med = statistics.median(s for s, _ in got)
        each = " ".join(f"{s:.2f}" for s, _ in got)
        peak = max(m for _, m in got)
        print(f"{name:<22}{med:>10.2f}{each:>{width}}{peak:>10.0f}{med / sql_s:>8.2f}")
    same = out_raw.read_bytes() == out_prep.read_bytes()
    print(f"raw and prepared outputs identical: {same}")
    # with other rules only the rule set's label differs
    label = other_rules.read_text().split('version: "', 1)[1].split('"', 1)[0]
    relabelled = out_other.read_text().replace(f"@{label}", "@" + label.removeprefix("bench-"))
    same_other = relabelled == out_raw.read_text()
    print(f"prepared with other rules (classified again) gives the same counts: {same_other}")
    same = same and same_other
    work.cleanup()
    return 0 if same else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000, help="claim lines to generate")
    parser.add_argument(
        "--pandas-rows",
        type=int,
        default=None,
        help="lines pandas gets (default: min(rows, 5,000,000))",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="reuse/keep the Parquet here (default: a temporary file)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--whole-process",
        action="store_true",
        help="time whole processes: paritykit outcomes (raw and prepared) vs python -c SQL",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (whole process)")
    parser.add_argument(
        "--prepared", type=Path, default=None, help="reuse/keep the prepared Parquet here"
    )
    parser.add_argument(
        "--messy",
        type=Path,
        default=None,
        help="with --whole-process: write the data spelled as a messy export here (or reuse "
        "it) and time that file instead",
    )
    parser.add_argument(
        "--worker",
        choices=["paritykit", "paritykit_flag", "duckdb_sql", "pandas"],
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args(argv)
    pandas_rows = args.pandas_rows or min(args.rows, 5_000_000)

    if args.worker:
        print(json.dumps(worker(args.worker, str(args.data), pandas_rows)))
        return 0

    tmp = tempfile.TemporaryDirectory()
    path = args.data or Path(tmp.name) / "claims.parquet"
    if not path.exists():
        from paritykit.synth.claims import parse_disparity, synthesize_claims

        t0 = time.perf_counter()
        synthesize_claims(
            path,
            rows=args.rows,
            plans=10,
            seed=args.seed,
            disparities=[parse_disparity("plan=3,classification=outpatient_in_network,ratio=1.6")],
        )
        print(
            f"generated {args.rows:,} lines in {time.perf_counter() - t0:.1f} s "
            f"({path.stat().st_size / 2**20:.0f} MiB Parquet)"
        )
    if args.whole_process:
        if args.messy is not None:
            if not args.messy.exists():
                t0 = time.perf_counter()
                _messy(path, args.messy)
                print(f"wrote the messy copy {args.messy} in {time.perf_counter() - t0:.1f} s")
            path = args.messy
        code = whole_process(path, args.repeat, args.prepared)
        tmp.cleanup()
        return code
    results: dict[str, dict[str, float]] = {}
    for method in ("paritykit", "paritykit_flag", "duckdb_sql", "pandas"):
        cmd = [
            sys.executable,
            __file__,
            "--worker",
            method,
            "--data",
            str(path),
            "--rows",
            str(args.rows),
            "--pandas-rows",
            str(pandas_rows),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{method}: failed\n{done.stderr[-2000:]}")
            return 1
        results[method] = json.loads(done.stdout.strip().splitlines()[-1])
    pd_res = results["pandas"]
    pd_scaled = pd_res["seconds"] * args.rows / pd_res["rows"]
    print(f"{'method':<16}{'seconds':>10}{'peak MiB':>10}")
    for method, res in results.items():
        extra = (
            f"  ({pd_res['rows']:,.0f} lines; {pd_scaled:.2f} s scaled)"
            if method == "pandas"
            else ""
        )
        print(f"{method:<16}{res['seconds']:>10.2f}{res['peak_mb']:>10.0f}{extra}")
    sql = results["duckdb_sql"]["seconds"]
    for method in ("paritykit", "paritykit_flag"):
        sec = results[method]["seconds"]
        print(
            f"{method}: {sec / sql:.2f}x hand-written DuckDB SQL; "
            f"{pd_scaled / sec:.1f}x faster than pandas (scaled)"
        )
    same = results["paritykit"]["denied"] == results["duckdb_sql"]["denied"]
    print(f"denied lines agree between paritykit and SQL: {same}")
    tmp.cleanup()
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
