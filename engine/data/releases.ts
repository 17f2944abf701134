// Kubernetes minor releases as data: release day, end of (community) support, last patch known.
// Source: /work/shared/k8s-facts.md (kubernetes/website release tables). Adding a minor is one line.
// Dates marked `approx: true` are close but not checked to the day — verify before relying on them.

export interface MinorRelease {
  /** "1.31" */
  minor: string;
  /** First release of the minor, YYYY-MM-DD. */
  released: string;
  /** End of community patch support, YYYY-MM-DD. */
  endOfSupport: string;
  /** Highest patch number known to exist (e.g. 14 for 1.31.14); undefined when not recorded. */
  latestPatch?: number;
  /** True where a date has not been checked against the public release table. */
  approx?: boolean;
}

// Why latestPatch is missing from 1.33 on: those minors still shipped patches after these facts
// were written; guessing a patch number would send a runbook after a package that may not exist.
export const RELEASES: readonly MinorRelease[] = [
  { minor: '1.27', released: '2023-04-11', endOfSupport: '2024-06-28', latestPatch: 16, approx: true },
  { minor: '1.28', released: '2023-08-15', endOfSupport: '2024-10-28', latestPatch: 15, approx: true },
  { minor: '1.29', released: '2023-12-13', endOfSupport: '2025-02-28', latestPatch: 14, approx: true },
  { minor: '1.30', released: '2024-04-17', endOfSupport: '2025-06-28', latestPatch: 14 },
  { minor: '1.31', released: '2024-08-13', endOfSupport: '2025-10-28', latestPatch: 14 },
  { minor: '1.32', released: '2024-12-11', endOfSupport: '2026-02-28', latestPatch: 13, approx: true },
  { minor: '1.33', released: '2025-04-23', endOfSupport: '2026-06-28', approx: true },
  { minor: '1.34', released: '2025-08-27', endOfSupport: '2026-10-27', approx: true },
  { minor: '1.35', released: '2025-12-17', endOfSupport: '2027-02-28', approx: true },
  { minor: '1.36', released: '2026-04-22', endOfSupport: '2027-06-28', approx: true },
  { minor: '1.37', released: '2026-08-26', endOfSupport: '2027-10-28', approx: true },
];

/** The record of one minor ("1.31"), or undefined when it is not in the table. */
export function releaseOf(minor: string): MinorRelease | undefined {
  return RELEASES.find((r) => r.minor === minor);
}
