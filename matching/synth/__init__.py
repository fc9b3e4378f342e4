"""A seeded generator of realistic, entirely synthetic Guizhou data for both markets.

`matching.synth.generate.generate(scale, seed)` returns a `matching.data.dataset.Dataset`;
the `bangfu generate` command writes it as CSV. The hidden ground truth that drew every
outcome lives in `matching.synth.truth` and is for evaluation only.
"""
