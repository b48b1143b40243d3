# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The table, the plots and docs/benchmarks.md from build/bench/results.json.

    .venv-bench/bin/python bench/report.py [RESULTS_JSON]    (re-renders without rerunning)
"""

from __future__ import annotations

import json
import os
import sys

import docs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")


def yes(flag):
    return "met" if flag else "**MISSED**"


def rows(res):
    """(item, figure, value, goal, verdict) for every figure."""
    it = res["items"]
    out = []
    for r in it.get("1", []):
        c = r["calls"]
        value = "%d call%s: %d describe, %d write, %d poll%s%s" % (
            c["total"], "" if c["total"] == 1 else "s", c["describe"], c["write"], c["polls"],
            "" if c["polls"] == 1 else "s", ", FAILED" if r["failed"] else "")
        out.append(("1 API calls", "%s API %s %s" % (r["op"], r["protocol"], "(task 2 s)" if c["write"] else ""), value,
                    r["goal"], yes(r["met"])))
    lat = it.get("2")
    if lat:
        for r in lat["current"]:
            out.append(("2 wait latency", "task %g s (n=%d)" % (r["duration"], r["samples"]),
                        "median overshoot %.3f s (max %.3f), %d look%s, %d poll%s%s" % (
                            r["median_overshoot"], r["max_overshoot"], r.get("looks", 0), "" if r.get("looks") == 1 else "s",
                            r["polls"], "" if r["polls"] == 1 else "s",
                            ", %d failed" % r["failures"] if r["failures"] else ""),
                        "<= %.2f s%s" % (r["goal_overshoot"], ", <= 12 polls" if r["duration"] == 60 else ""),
                        yes(r["met_overshoot"] and r["met_polls"] and not r["failures"])))
    o = it.get("3")
    if o:
        c = o["cases"]
        for name, v in c.items():
            out.append(("3 module overhead", name, "wall %.3f s, CPU %.3f s, peak %.1f MiB" % (v["wall"], v["cpu"], v["rss_mib"]),
                        "", ""))
        out.append(("3 module overhead", "ours / ping, wall", "%.2fx (CPU %.2fx, memory %.2fx)" % (
            o["ratio_ping_wall"], o["ratio_ping_cpu"], o["ratio_ping_rss"]), "<= 1.5x", yes(o["met_wall"])))
        out.append(("3 module overhead", "ours peak memory", "%.1f MiB" % c["ours (no-op)"]["rss_mib"], "<= 40 MiB",
                    yes(o["met_rss"])))
        out.append(("3 module overhead", "ours / floor", "wall %.2fx, CPU %.2fx, memory %.2fx" % (
            o["ratio_floor_wall"], o["ratio_floor_cpu"], o["ratio_floor_rss"]), "(reported)", ""))
    p = it.get("4")
    if p:
        for name, v in p["cases"].items():
            out.append(("4 vs amazon.aws.ec2_eni", name, "wall %.3f s, CPU %.3f s, peak %.1f MiB" % (
                v["wall"], v["cpu"], v["rss_mib"]), "", ""))
        for job in ("no-op", "attach"):
            j = p[job]
            out.append(("4 vs amazon.aws.ec2_eni", "ours / theirs, %s" % job, "wall %.2fx, memory %.2fx (CPU %.2fx)" % (
                j["ratio_wall"], j["ratio_rss"], j["ratio_cpu"]), "<= 0.5x wall and memory", yes(j["met"])))
    f = it.get("5")
    if f:
        for key, label in (("off", "rate limits off"), ("on", "rate limits on (item 7's forks run)"),
                           ("two", "two playbooks at once, limits on")):
            v = f[key]
            out.append(("5 fleet", "%d ENIs x %d playbook(s), 50 forks each, %s" % (v["count"], v["playbooks"], label),
                        "wall %.1f s, %d failed, %d calls, %d throttled, %s retries" % (
                            v["wall"], v["failed"], v["calls"]["total"], v["calls"]["throttled"], v["retries"]),
                        "0 failures", yes(v["failed"] == 0)))
        out.append(("5 fleet", "wall(on) / wall(off)", "%.2f" % f["ratio_on_off"], "<= 1.3",
                    yes(f["ratio_on_off"] <= 1.3)))
        out.append(("5 fleet", "wall(two at once) / wall(on)", "%.2f" % f["ratio_two_on"], "(reported)", ""))
    for v in it.get("6", []):
        out.append(("6 scaling", "%d ENIs attached, limits on" % v["count"],
                    "wall %.1f s, %d calls (%.1f per ENI), %d throttled, %d failed" % (
                        v["wall"], v["calls"]["total"], v["calls"]["total"] / v["count"], v["calls"]["throttled"], v["failed"]),
                    "(reported)", ""))
    m = it.get("7")
    if m:
        for key, label in (("list", "one list task"), ("forks", "one host each, 50 forks"), ("loop", "loop: on localhost")):
            v = m[key]
            out.append(("7 many ENIs", "%s, %d ENIs attached + detached" % (label, v["count"]),
                        "wall %.1f s (%.3f s per ENI), CPU %.1f s (%.3f per ENI), %.1f calls per ENI, %d throttled, %d failed" % (
                            v["wall"], v["wall_per_eni"], v["cpu"], v["cpu_per_eni"], v["calls_per_eni"], v["calls"]["throttled"],
                            v["failed"]), "0 failures", yes(v["failed"] == 0)))
        t = m["list"]["tasks"]
        out.append(("7 many ENIs", "the list tasks themselves vs the floor",
                    "attach %.2f s, detach %.2f s; floor %.1f s (task %g s + %d writes at 100/s): %.2fx" % (
                        t.get("Attach", 0), t.get("Detach", 0), m["floor"], m["floor"] - m["list"]["count"] / 100.0,
                        m["list"]["count"], m["list_task_vs_floor"]), "<= 2x", yes(m["met"]["floor"])))
        out.append(("7 many ENIs", "per ENI: list vs forks", "%.1fx faster" % m["faster_than_forks"], ">= 10x",
                    yes(m["met"]["forks"])))
        out.append(("7 many ENIs", "per ENI: list vs loop", "%.1fx faster" % m["faster_than_loop"], ">= 50x",
                    yes(m["met"]["loop"])))
    inv = it.get("8")
    for c in (inv or {}).get("cases", []):
        o, h, p, f = c["ours"]["cold"], c["ours"]["cache_hit"], c["ours"]["cache_hit_no_keyed"], c["ours"]["floor"]
        name, largest = "8 inventory", c["count"] == max(x["count"] for x in inv["cases"] if "theirs" in x)

        def proc(v):
            return "wall %.2f s, CPU %.2f s, peak %.0f MiB, %d hosts, %d API calls" % (
                v["wall"], v["cpu"], v["rss_mib"], v["hosts"] or 0, v["calls"])
        out.append((name, "%d instances, qcloud_cvm, cold (limits on)" % c["count"],
                    proc(o) + " (%d throttled); reading %.2f s" % (c["ours"]["throttled"], o.get("read", 0)), "", ""))
        out.append((name, "%d instances, qcloud_cvm, cache hit" % c["count"],
                    proc(h) + "; reading %.3f s, hosts %.2f s" % (h.get("read", 0), h.get("populate", 0)),
                    "0 API calls", yes(h["calls"] == 0)))
        out.append((name, "%d, cache hit without keyed groups" % c["count"], proc(p) + "; hosts %.2f s" % p.get("populate", 0), "", ""))
        out.append((name, "%d, floor plugin (hosts + variables only)" % c["count"],
                    "wall %.2f s, CPU %.2f s, peak %.0f MiB; hosts %.2f s" % (f["wall"], f["cpu"], f["rss_mib"], f.get("populate", 0)), "", ""))
        out.append((name, "%d, 2 keyed groups / none (from the cache)" % c["count"], "CPU %sx, wall %.2fx, hosts made %sx" % (
            c.get("keyed_vs_plain_cpu"), c["keyed_vs_plain_wall"], c["keyed_vs_plain"]), "<= 1.2x", yes(c["met_keyed"])))
        out.append((name, "%d, ours without keyed / floor plugin" % c["count"], "CPU %sx, wall %.2fx, hosts made %sx" % (
            c.get("plain_vs_floor_cpu"), c["plain_vs_floor_wall"], c["plain_vs_floor"]), "<= 1.2x", yes(c["met_floor"])))
        if "theirs" in c:
            t = c["theirs"]["cold"]
            out.append((name, "%d instances, amazon.aws.aws_ec2 on moto" % c["count"], proc(t), "", ""))
            out.append((name, "ours / aws_ec2, %d instances" % c["count"], "wall %.2fx, memory %.2fx (CPU %.2fx)" % (
                c["ratio_wall"], c["ratio_rss"], c["ratio_cpu"]), "<= 0.5x wall" if largest else "(reported)",
                yes(c["met_wall"]) if largest else ""))
        prof = c["ours"].get("profile_cache_hit")
        if prof:
            out.append((name, "%d, where the time goes (cProfile)" % c["count"], "; ".join(
                "%s %.1f s" % kv for kv in prof["phases_s"].items()) + " of %.1f s" % prof["total_s"], "", ""))
    if inv:
        out.append(("8 inventory", "CPU per host of a cache hit (ms), middle and largest count",
                    "%s: %sx" % (inv.get("cpu_ms_per_host"), inv.get("populate_per_1000_growth")), "linear (<= 1.3x)",
                    yes(inv.get("linear"))))
    e = it.get("9")
    for row in (e or {}).get("rows", []):
        out.append(("9 qcloud_eni calls", row["op"], "%d calls: %s" % (row["total"], ", ".join(
            "%s %d" % kv for kv in sorted(row["calls"].items()))), "goal", yes(row["met"])))
    return out


def table(res):
    r = rows(res)
    w = [max(len(str(x[i])) for x in r + [("item", "figure", "value", "goal", "verdict")]) for i in range(5)]
    lines = ["  ".join(str(h).ljust(w[i]) for i, h in enumerate(("item", "figure", "value", "goal", "verdict")))]
    lines.append("  ".join("-" * n for n in w))
    for x in r:
        lines.append("  ".join(str(v).replace("**", "").ljust(w[i]) for i, v in enumerate(x)))
    return "\n".join(lines)


def plots(res):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    made = []
    it = res["items"]
    if it.get("7"):
        m = it["7"]
        keys = [("list", "one list task"), ("forks", "50 forks"), ("loop", "loop:")]
        fig, ax = plt.subplots(1, 3, figsize=(12, 3.6))
        for a, (field, title) in zip(ax, (("wall_per_eni", "wall time per ENI (s)"), ("cpu_per_eni", "controller CPU per ENI (s)"),
                                          ("calls_per_eni", "API calls per ENI"))):
            a.bar([label for k, label in keys], [m[k][field] for k, label in keys], color=["#2f855a", "#2b6cb0", "#b7791f"])
            a.set_title(title)
            if field != "calls_per_eni":
                a.set_yscale("log")
            a.grid(alpha=0.3, axis="y", which="both")
        fig.suptitle("Many ENIs, attached then detached (rate limits on, task 2 s): %d, %d and %d ENIs" % (
            m["list"]["count"], m["forks"]["count"], m["loop"]["count"]))
        fig.tight_layout()
        fig.savefig(os.path.join(DOCS, "benchmarks-many.png"), dpi=90)
        plt.close(fig)
        made.append("benchmarks-many.png")
    if it.get("2"):
        fig, ax = plt.subplots(figsize=(7, 4))
        lat, sched = it["2"], res["poll_schedules"]
        d = [r["duration"] for r in lat["current"]]
        cur = "look_delays(%(first)g, %(ratio)g, %(cap)g)" % sched["look"]
        ax.plot(d, [max(0.25, 0.1 * x) for x in d], "k--", label="goal: max(0.25 s, 10%)")
        ax.plot(d, [r["median_overshoot"] for r in lat["current"]], "o-", label="watching the ENI, %s, measured" % cur)
        ax.plot(d, [lat["schedule_polls"]["per_duration"][str(x)]["overshoot"] + docs.tail(res, x) for x in d], "s:",
                label="polling the task, poll_delays(%(first)g, %(factor)g, %(cap)g), computed + tail" % sched["poll"])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("task duration (s)")
        ax.set_ylabel("median overshoot (s)")
        ax.set_title("From task SUCCESS to module return")
        ax.grid(alpha=0.3, which="both")
        ax.legend(loc="upper left", fontsize="small")
        fig.tight_layout()
        fig.savefig(os.path.join(DOCS, "benchmarks-latency.png"), dpi=90)
        plt.close(fig)
        made.append("benchmarks-latency.png")
    if it.get("3") and it.get("4"):
        cases = dict(it["3"]["cases"])
        cases.update({"(vs peer) " + k: v for k, v in it["4"]["cases"].items()})
        names = list(cases)
        fig, ax = plt.subplots(1, 2, figsize=(11, 4.5))
        ax[0].barh(names, [cases[k]["wall"] for k in names])
        ax[0].set_xlabel("wall time (s), median")
        ax[1].barh(names, [cases[k]["rss_mib"] for k in names])
        ax[1].set_xlabel("peak RSS (MiB), median")
        ax[1].set_yticklabels([])
        fig.suptitle("One module process (AnsiballZ run directly)")
        fig.tight_layout()
        fig.savefig(os.path.join(DOCS, "benchmarks-overhead.png"), dpi=90)
        plt.close(fig)
        made.append("benchmarks-overhead.png")
    return made


def emit(res, write_docs=True):
    text = table(res)
    print(text)
    print("make bench: %.0f s in all; load average at start %s, at end %s" % (res["seconds"], res["load_start"], res["load_end"]))
    if write_docs:
        with open(os.path.join(ROOT, "bench", "results.json"), "w") as fh:
            json.dump(res, fh, indent=1, default=str)
        made = plots(res)
        with open(os.path.join(DOCS, "benchmarks.md"), "w") as fh:
            fh.write(docs.render(res, rows(res), made))


if __name__ == "__main__":
    if "-h" in sys.argv[1:] or "--help" in sys.argv[1:]:
        print(__doc__)
        sys.exit(0)
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "bench", "results.json")
    with open(path) as fh:
        emit(json.load(fh))
