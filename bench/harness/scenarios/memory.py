"""Resident memory of each web worker (uvicorn's children) after all the load."""

NAME = "memory"
NEEDS_PROCESSES = True


def run(ctx) -> list[dict]:
    workers = ctx.processes.web_workers()
    rss = [round(worker.memory_info().rss / 2**20, 1) for worker in workers]
    return [{"scenario": "memory per web worker", "kind": "memory", "workers": len(rss),
             "rss_mb": rss, "max_rss_mb": max(rss) if rss else None, "failures": 0,
             **({} if rss else {"error": "no web workers found"})}]
