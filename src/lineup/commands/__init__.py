"""Click commands beyond the core ones (registered in lineup.cli)."""
