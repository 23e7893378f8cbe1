"""Made-up records the benchmarks add to a demo branch (the same for every benchmark)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal


def random_policy(i: int, rng: random.Random, ids: list[int], products: list[str], first: date, last: date) -> dict[str, object]:
    """The ``i``-th benchmark policy: signed in ``first``..``last`` by one of the agents ``ids``."""
    sign = first + timedelta(days=rng.randrange((last - first).days + 1))
    return {
        "policy_no": f"BENCH{i:07d}",
        "agent_id": rng.choice(ids),
        "product_code": rng.choice(products),
        "premium": Decimal(rng.choice([800, 1500, 2000, 3600, 6000, 12000])),
        "customer_level": rng.choice(["", "A", "VIP"]),
        "new_customer": rng.random() < 0.2,
        "sign_date": sign,
        "cancel_date": sign + timedelta(days=5) if rng.random() < 0.03 else None,
    }
