// The fleet description the benchmark's client scripts read: hosts, key, known_hosts, commands.
import { readFileSync } from 'node:fs';

export interface FleetFile {
  hosts: { name: string; port: number }[];
  keyPath: string;
  knownHosts: string;
  /** The two trivial commands every contender runs on every host, in order. */
  commands: string[];
  concurrency: number;
}

export function readFleetFile(path: string): FleetFile {
  return JSON.parse(readFileSync(path, 'utf8')) as FleetFile;
}
