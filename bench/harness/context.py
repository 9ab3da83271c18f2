"""What every scenario gets: the arguments, the counts, the people to act as, the processes."""

from dataclasses import dataclass, field
from pathlib import Path

from .config import Counts


@dataclass
class RunContext:
    args: object
    counts: Counts
    run_dir: Path
    people: dict = field(default_factory=dict)   # bench.harness.people.prepare()
    processes: object = None                     # ProcessSet while the process set runs
    floors: dict = field(default_factory=dict)   # "framework@8" → result, "database" → result
    log: object = print

    @property
    def seconds(self) -> float:
        return self.args.duration
