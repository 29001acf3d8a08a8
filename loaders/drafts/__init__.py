"""Drafting datasets from published articles (``ctg draft``, the explorer's review page).

An article (text, HTML or PDF: `articles`) is read by spaCy's French model and the
project's own knowledge of territories and vocabularies (`knowledge`, `gazetteer`); one
extractor module per kind of fact (`territories`, `contracts`, `people`, `actions`,
`amounts`) adds facts with their evidence (`facts`) to a `reading.Reading`, helped by
offset-keeping folded text (`folded`, `spans`) and French dates (`french_dates`); `draft`
runs them in order; `dataset` writes the kept facts as a dataset of the project's format.
Drafting never writes to Neo4j.
"""
