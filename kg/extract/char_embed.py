"""A token embedding with character features beside spaCy's hash features (experiment).

`kg.multi_hash_char_embed.v1` is spaCy's MultiHashEmbed (NORM, PREFIX, SUFFIX, SHAPE hash
tables and static vectors) with the UTF-8 bytes of each token's first and last characters
embedded as well (spaCy's CharacterEmbed layer), all concatenated before one Maxout.
"""

from __future__ import annotations

from typing import cast

from spacy.ml import _character_embed
from spacy.ml.featureextractor import FeatureExtractor
from spacy.ml.staticvectors import StaticVectors
from spacy.util import registry
from thinc.api import (
    HashEmbed,
    Maxout,
    Model,
    chain,
    concatenate,
    list2ragged,
    ragged2list,
    with_array,
)
from thinc.types import Ragged


@registry.architectures("kg.multi_hash_char_embed.v1")
def multi_hash_char_embed(width: int, attrs: list[str], rows: list[int], nM: int, nC: int,
                          include_static_vectors: bool) -> Model:
    embeddings = [HashEmbed(width, rows[i], column=i, seed=8 + i, dropout=0.0) for i in range(len(attrs))]
    hashed = chain(FeatureExtractor(attrs), cast(Model, list2ragged()), with_array(concatenate(*embeddings)))
    chars = chain(_character_embed.CharacterEmbed(nM=nM, nC=nC), cast(Model, list2ragged()))
    parts = [hashed, chars] + ([StaticVectors(width, dropout=0.0)] if include_static_vectors else [])
    concat = width * (len(attrs) + include_static_vectors) + nM * nC
    max_out: Model[Ragged, Ragged] = with_array(Maxout(width, concat, nP=3, dropout=0.0, normalize=True))
    return chain(concatenate(*parts), max_out, ragged2list())
