"""The stages of the pipeline, one module each; see ``base.py`` for what a stage is."""
