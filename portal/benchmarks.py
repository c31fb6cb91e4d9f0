"""What the benchmark commands share: percentiles, and whether query counts grew with N."""

from __future__ import annotations


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def constant_queries(counts: dict[int, dict[str, int]]) -> str:
    """Whether each page's query count stayed the same at every size N, in a sentence."""
    grown = [
        name for name in next(iter(counts.values())) if len({c[name] for c in counts.values()}) > 1
    ]
    verdict = "未达标:" + "、".join(grown) + " 随 N 变化" if grown else "达标"
    return f"查询次数不随 N 增长:{verdict}"
