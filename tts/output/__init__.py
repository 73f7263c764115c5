"""From clips to files: assembly, loudness, containers, tags, sidecars and the run report."""
