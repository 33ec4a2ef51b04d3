"""``python -m envdetect``."""

import sys

from envdetect._cli import main

sys.exit(main())
