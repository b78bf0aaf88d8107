"""Metric directions: the Papers with Code catalogue first, then the metric's name."""

from __future__ import annotations

import csv

import pytest

from kg.views.metrics import CATALOGUE, direction_by_name, metric_direction


@pytest.mark.parametrize("name", [
    "Top-1 Error", "Test perplexity", "word error rate", "WER (%)", "inference latency",
    "inference time", "Training Time", "model size", "Number of params", "GFLOPs", "FID",
    "validation loss", "Bit per Character (BPC)", "Mean Rank", "Chamfer Distance", "MAE"])
def test_errors_losses_perplexity_latency_time_and_size_are_lower_is_better(name):
    assert metric_direction(name).direction == "lower", metric_direction(name)


@pytest.mark.parametrize("name", [
    "accuracy", "validation accuracy", "Top-1 Accuracy", "BLEU", "F1", "Overall F1", "mAP",
    "ROUGE-L", "mR@50", "throughput", "FPS", "latency reduction", "speedup",
    "memory savings", "TAR @ FAR=1e-4", "tokens per second", "human annotation consistency rate"])
def test_scores_and_gains_are_higher_is_better(name):
    assert metric_direction(name).direction == "higher", metric_direction(name)


def test_the_catalogue_decides_before_the_name_and_says_why():
    assert metric_direction("Test perplexity") == (
        "lower", "Papers with Code: leaderboard order (15 of 15 steps)")
    assert metric_direction("test   PERPLEXITY").direction == "lower"  # matched by its key
    assert metric_direction("BLEU").basis.startswith("Papers with Code: leaderboard order")
    assert metric_direction("a metric nobody named").basis == "default"
    assert direction_by_name("Top-1 Error rate") == ("lower", "name: error")


def test_catalogue_rows_are_metric_names_with_a_direction_and_evidence():
    with open(CATALOGUE, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 500
    assert {row["direction"] for row in rows} == {"higher", "lower"}
    assert all(row["metric"] and row["evidence"] for row in rows)
    by_name = {row["metric"]: row for row in rows}
    assert by_name["FID"]["direction"] == "lower"
    assert by_name["Accuracy"]["direction"] == "higher"
    assert (CATALOGUE.parent / "ATTRIBUTION.md").read_text().count("CC BY-SA 4.0") >= 1
