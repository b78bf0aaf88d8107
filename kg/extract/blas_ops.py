"""Thinc operations whose matrix products go to NumPy's BLAS (OpenBLAS) instead of BLIS.

The recogniser spends most of its time in `gemm`. On this project's reference machine
(AMD EPYC, float32, the tok2vec's 6000×288 by 288×288 products) OpenBLAS runs them about
3.4× faster than the BLIS build thinc ships with; every other operation is NumPyOps' own.
`PredictOps` also drops what only training reads.
"""

from __future__ import annotations

import numpy
from spacy.util import registry as spacy_registry
from thinc.api import NumpyOps, registry
from threadpoolctl import threadpool_limits


@registry.ops("KgBlasOps")
class BlasOps(NumpyOps):
    name = "kg_blas"

    def gemm(self, x, y, out=None, trans1: bool = False, trans2: bool = False):
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return numpy.matmul(a, b)
        numpy.matmul(a, b, out=out)
        return out


@registry.ops("KgPredictOps")
class PredictOps(BlasOps):
    """BlasOps for prediction only: `maxout` returns the maxima without the indices of the
    winning pieces, which only a backward pass reads (a backward pass fails loudly). Elementwise
    maxima over the pieces take about half the time of thinc's loop (measured)."""

    name = "kg_predict"

    def maxout(self, X):
        best = X[..., 0].copy()
        for piece in range(1, X.shape[-1]):
            numpy.maximum(best, X[..., piece], out=best)
        return best, None


def use_blas_ops(nlp, predict_only: bool = False) -> None:
    """Give every thinc model of `nlp` BlasOps (PredictOps with `predict_only`), with one BLAS
    thread per process: parallelism comes from `--processes`, and more threads than cores only
    slows both down."""
    threadpool_limits(1, user_api="blas")
    ops = PredictOps() if predict_only else BlasOps()
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


@spacy_registry.callbacks("kg.use_blas_ops.v1")
def make_use_blas_ops():
    """`[initialize] after_init` callback, so that training runs on BlasOps too."""

    def after_init(nlp):
        use_blas_ops(nlp)
        return nlp

    return after_init
