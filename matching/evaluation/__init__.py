"""Policies measured against the hidden truth: Bangfu, today's practice and the upper bound.

For evaluation only: this is the one package besides `matching.synth` that reads the
generator's truth model, and nothing below it may import it.
"""
