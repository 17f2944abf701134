// Placeholder entry point until the CLI lands (issue 2).
process.stderr.write('runbook: the CLI is being built; see README.md for what runs today.\n');
process.exit(2);
