"""SHACL validation: one entry point over one pipeline.

`command.validate` (also `pactgraph.validate`) has the defaults of `pactgraph validate`.

- `command.validate`: the entry point; `command.explain`: where each shape runs and why;
- `pipeline.run`: a scope (`whole_graph()` / `joined()`) and an executor (single, units, auto) made explicit;
- `single` and `merge` + `units`: the two executors; `locality`: which shapes units can run;
  `storedtext`: the file facts every path adds;
- `engine`: pySHACL and pyshacl-turbo behind one interface; `bindings`: fast focus binding for pySHACL;
- `report`, `names`, `formats`: the report as plain data, display names, the output formats;
- `inputs`: the files of a joined validation and where their nodes stand.
"""
