"""Scoring: turning records into weighted candidate pairs.

Array-level building blocks shared by the expert and labour matchers: text affinity,
sparse top-k candidate generation and the retention (outcome) model. Distances live in
`matching.scoring.geo`.
"""
