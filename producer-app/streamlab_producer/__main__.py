"""`python -m streamlab_producer`: the form the systemd unit and the course use."""

import sys

from .cli import main

sys.exit(main())
