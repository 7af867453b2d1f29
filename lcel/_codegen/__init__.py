"""The schema export behind ``lcel schema`` and ``python -m codegen`` (which re-exports it):
here so that ``lcel`` never imports the ``codegen`` package."""
