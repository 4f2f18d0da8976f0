"""Device-side runbooks: per-device licensing steps and CLI from a plan (issue 8)."""
