from dialogue.cli import main

raise SystemExit(main())
