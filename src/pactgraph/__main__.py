"""Allow `python -m pactgraph`, equivalent to the `pactgraph` console script."""

from pactgraph.cli.main import main

if __name__ == "__main__":
    main()
