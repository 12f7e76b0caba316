"""The entry point (the `cloudplan` command and `python -m cloudplan`): the language first, then the command line.

The language is decided here, once, before `cloudplan.cli` is imported: the command modules
make their help texts when imported (see cloudplan.language for the order of the rules).
"""

import os
import sys
from pathlib import Path


def main() -> None:
    """Decide the language of the run, take `--lang` off the command line, and run the command."""
    from cloudplan import language

    try:
        args, lang = language.decide(sys.argv[1:], os.environ, Path.cwd())
    except language.BadLanguage as e:
        sys.stderr.write(f"cloudplan: {e}\n")
        raise SystemExit(2) from None
    sys.argv[1:] = args
    language.install(lang)
    from cloudplan.cli import main as run

    run()


if __name__ == "__main__":
    main()
