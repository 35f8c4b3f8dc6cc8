"""rmatch's benchmarks: ``python -m benchmarks NAME [options]`` from the repository root.

Each benchmark is a module with ``main(argv)``; they share the synthetic
cohorts, the timing and the one way results are saved (``common.py``:
``benchmarks/results/NAME.json`` with the machine and versions, and
``NAME.md``). ``python -m benchmarks`` lists them.
"""
