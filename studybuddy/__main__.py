from studybuddy.cli import main

raise SystemExit(main())
