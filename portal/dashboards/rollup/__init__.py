"""Daily rollups: building them (build), reading them merged with today's live rows (read),
and the duration histogram they share (buckets)."""
