"""Scoring: turning records into weighted candidate pairs.

Array-level building blocks shared by the expert and labour matchers: text affinity,
sparse top-k candidate generation, distances and the retention (outcome) model.
"""
