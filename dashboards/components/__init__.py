"""Shared builders: chart cards, tables, page frames."""
