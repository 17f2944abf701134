// Preloaded into a benchmarked node child (node --import) when GNU time is missing: at exit it
// writes the process's own resource usage (peak RSS in KiB, CPU µs) to $RUNBOOK_BENCH_RUSAGE.
import { writeFileSync } from 'node:fs';

const file = process.env.RUNBOOK_BENCH_RUSAGE;
if (file) {
  // The child must not pass the variable on to its own children.
  delete process.env.RUNBOOK_BENCH_RUSAGE;
  process.on('exit', () => {
    const r = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRSS: r.maxRSS, userCPUTime: r.userCPUTime, systemCPUTime: r.systemCPUTime }));
  });
}
