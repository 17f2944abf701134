// `runbook lab up|down|status` — placeholder until the lab lands (issue 3). Returns the exit code.
export async function labCommand(_argv: string[]): Promise<number> {
  process.stderr.write('runbook lab: the lab is not built yet (issue 3)\n');
  return 2;
}
