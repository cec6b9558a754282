"""The registry slice: registered models, their versions, stages, aliases and tags."""
