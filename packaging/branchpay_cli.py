"""Entry script of the frozen console executable ``branchpay-cli`` (see ``branchpay.spec``).

PyInstaller needs a script file, not an entry point, so this is the one-line equivalent of
the ``branchpay = "app.cli:main"`` console script in ``pyproject.toml``.
"""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
