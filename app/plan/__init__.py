"""The plan (提成方案): ``app.plan.model`` (the pure data the engine reads) and ``app.plan.toml_io``
(TOML load/save and validation with key-path errors).

Nothing is imported here: the pure engine imports ``app.plan.model``, and a package that pulled in
``toml_io`` would bring the TOML loader (and its resource files) into the engine with it.
"""
