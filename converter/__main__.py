"""``python -m converter`` runs the ``aec`` command line."""

from converter.cli import main

raise SystemExit(main())
