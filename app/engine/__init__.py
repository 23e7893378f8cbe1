"""The pure pay engine: facts in, pay lines with explanations out (RULEBOOK.md §2–3)."""
