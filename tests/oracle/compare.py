"""Counting and listing the differences between the oracle and a consumer."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field


def same(a: float | None, b: float | None) -> bool:
    """Equal, or both missing; floats to 1e-9 relative."""
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


@dataclass
class Tally:
    """Figures compared and mismatches found, per consumer and indicator."""

    compared: Counter = field(default_factory=Counter)
    mismatches: list[tuple[str, str, str, object, object]] = field(default_factory=list)

    def check(self, consumer: str, indicator: str, where: str, oracle, got) -> bool:  # noqa: ANN001
        self.compared[consumer] += 1
        ok = same(oracle, got) if _numeric(oracle, got) else oracle == got
        if not ok:
            self.mismatches.append((consumer, indicator, where, oracle, got))
        return ok

    def missing(self, consumer: str, indicator: str, where: str, oracle) -> None:  # noqa: ANN001
        """A figure the oracle publishes that the consumer does not (or the reverse)."""
        self.compared[consumer] += 1
        self.mismatches.append((consumer, indicator, where, oracle, "<absent>"))

    def extra(self, consumer: str, indicator: str, where: str, got) -> None:  # noqa: ANN001
        self.compared[consumer] += 1
        self.mismatches.append((consumer, indicator, where, "<absent>", got))

    def report(self, title: str) -> str:
        lines = [f"== {title}: {sum(self.compared.values())} figures compared"]
        lines += [f"   {c}: {n}" for c, n in sorted(self.compared.items())]
        lines.append(f"   mismatches: {len(self.mismatches)}")
        per = Counter((c, i) for c, i, *_ in self.mismatches)
        lines += [f"   {c} / {i}: {n}" for (c, i), n in sorted(per.items())]
        for c, i, where, o, g in self.mismatches[:30]:
            lines.append(f"   - {c} {i} {where}: oracle {o!r}, consumer {g!r}")
        text = "\n".join(lines)
        print(text)
        return text


def _numeric(*values: object) -> bool:
    return all(
        v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values
    )
