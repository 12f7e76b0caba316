"""Run cloudplan as ``python -m cloudplan``."""

from cloudplan.cli import main

main()
