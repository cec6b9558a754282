"""The tracking slice: experiments, runs, params, metrics, tags, datasets and logged models."""
