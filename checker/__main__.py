"""Allow `python -m checker`, for environments where the console script is not on PATH."""

from checker.cli import main

main()
