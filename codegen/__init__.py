"""codegen: exports JSON Schema contracts from lcel runnables (``python -m codegen``)."""
