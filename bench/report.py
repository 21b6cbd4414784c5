"""The bench's markdown: the figures of one run, and for the federation run a comparison of
each page with the latest default (1 M) run."""
from __future__ import annotations

import json


def write_markdown(results: dict) -> str:
    lines = [f"# Benchmark — {results['date']}", "",
             f"Machine: {results['machine']['cpus']} CPUs, {results['machine']['platform']}; "
             + ", ".join(f"{k} {v}" for k, v in results["versions"].items()), "",
             f"Scale: {results['scale']} — seed_scale {results['seed_scale']['seconds']} s "
             f"({results['seed_scale']['rows_per_second']} contributions/s)", ""]
    load = results.get("load")
    if load:
        bare = load["bare"]["mean"]
        auth = load.get("authenticated", {}).get("mean", {})
        lines += ["## Pages under load", "",
                  f"Baselines ({load['gunicorn']}; wrk {load['wrk']}): bare Django view, 20 rows: "
                  f"{bare['rps']} req/s, p95 {bare['p95_ms']} ms; authenticated view (session, "
                  f"user, member, one indexed query of 20 rows): {auth.get('rps')} req/s, p95 "
                  f"{auth.get('p95_ms')} ms. Target: ≥ 0.25× the authenticated baseline's req/s, "
                  "p95 ≤ 4× its p95, no error.", "",
                  "| page | req/s | / bare | / authenticated | p50 ms | p95 ms | p95 / authenticated | errors | target met |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for p in load["pages"]:
            if "missing" in p:
                lines.append(f"| {p['name']} | — | — | — | — | — | — | — | missing: {p['missing']} |")
                continue
            lines.append(f"| {p['name']} | {p['rps']} | {p['rps_ratio']} | {p.get('auth_ratio')} | "
                         f"{p['p50_ms']} | {p['p95_ms']} | {p.get('auth_p95_ratio')} | {p['errors']} | "
                         f"{'yes' if p['meets_target'] else 'NO'} |")
        lines.append("")
    queries = results.get("queries")
    if queries:
        lines += ["## SQL queries per page", "", "| page | small scale | full scale | identical |", "|---|---|---|---|"]
        for name, q in queries.items():
            lines.append(f"| {name} | {q.get('small')} | {q.get('full')} | {'yes' if q.get('small') == q.get('full') else 'NO'} |")
        lines.append("")
    for key, title in (("retribution_run", "Retribution run"), ("documents", "Documents"),
                       ("import", "Import")):
        section = results.get(key)
        if section:
            lines += [f"## {title}", "", "```json", json.dumps(section, indent=2, ensure_ascii=False), "```", ""]
    return "\n".join(lines)


def compare_federation(results: dict, reference: dict | None) -> dict:
    """Issue 15's federation targets, page by page, against the latest 1 M run: the same
    queries, throughput within 1.5× (req/s ≥ the 1 M run's / 1.5), and the seed ≤ 5 min."""
    ref_pages = {p["name"]: p for p in (reference or {}).get("load", {}).get("pages", [])}
    ref_queries = (reference or {}).get("queries", {})
    pages = {}
    for page in results.get("load", {}).get("pages", []):
        name = page["name"]
        ref = ref_pages.get(name, {})
        queries = results.get("queries", {}).get(name, {}).get("full")
        ref_q = ref_queries.get(name, {}).get("full")
        slowdown = round(ref["rps"] / page["rps"], 2) if ref.get("rps") and page.get("rps") else None
        pages[name] = {"queries": queries, "queries_1m": ref_q, "rps": page.get("rps"),
                       "rps_1m": ref.get("rps"), "slowdown": slowdown,
                       "meets_target": (queries == ref_q and slowdown is not None
                                        and slowdown <= 1.5)}
    seconds = results.get("seed_scale", {}).get("seconds")
    return {"reference": (reference or {}).get("date"), "pages": pages,
            "seed_seconds": seconds, "seed_meets_target": seconds is not None and seconds <= 300,
            "target": "same queries as the 1 M run, req/s within 1.5×, seed ≤ 5 min"}


def federation_markdown(results: dict) -> str:
    comparison = results["federation"]
    seed = results.get("seed_scale", {})
    lines = [write_markdown(results), "## Federation against the latest 1 M run", "",
             f"Reference: the 1 M run of {comparison['reference']}. Seed: {seed.get('seconds')} s "
             f"({'≤' if comparison['seed_meets_target'] else '>'} 5 min; by step: "
             + ", ".join(f"{k} {v} s" for k, v in seed.get("steps", {}).items())
             + f"); database {round(seed.get('database_bytes', 0) / 2**30, 2)} GiB.", "",
             "| page | queries 1 M | queries 10 M | req/s 1 M | req/s 10 M | 1 M / 10 M | target met |",
             "|---|---|---|---|---|---|---|"]
    for name, p in comparison["pages"].items():
        lines.append(f"| {name} | {p['queries_1m'] or '—'} | {p['queries'] or '—'} | {p['rps_1m']} | {p['rps']} | "
                     f"{p['slowdown']} | {'yes' if p['meets_target'] else 'NO'} |")
    return "\n".join(lines) + "\n"
