"""``python -m portfolio``: the same as the ``portfolio`` command."""

import sys

from .cli import main

sys.exit(main())
