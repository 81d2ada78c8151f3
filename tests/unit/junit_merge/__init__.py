"""Merging shard results and proving every planned test reported exactly once."""
