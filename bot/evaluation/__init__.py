"""Scoring the pipeline against a labelled corpus (``newsbot eval``).

- :mod:`bot.evaluation.corpus` reads the labels file and the corpus and pairs
  parsed articles with labelled ones by file and headline.
- :mod:`bot.evaluation.topic_scores` computes per-topic precision, recall and
  F1, micro and macro averages, and the list of wrong tags with their evidence.
- :mod:`bot.evaluation.report` turns the result into a terminal table or JSON.
  Sections are independent: the actor scores (``actor_scores.score_actors``)
  are added as one more section when that module is present.
"""
