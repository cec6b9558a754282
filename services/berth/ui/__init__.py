"""MLflow's web UI on Berth: its prebuilt static build, fetched from the pinned mlflow wheel
(``fetch``) and served at ``/`` and ``/static-files/`` (``static``).

Nothing is imported here: ``python -m berth.ui.fetch`` runs in the image's build stage
without Berth's dependencies.
"""
