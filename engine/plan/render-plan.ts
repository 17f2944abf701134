// The plan as text for the terminal: phases, batches, hosts and each rendered command.
// Hosts of a batch whose steps render identically are grouped, so a 50-worker phase stays short.
import type { Plan, PlanHost, PlanStep } from './build-plan.js';

function stepLines(s: PlanStep, indent: string, out: string[]): void {
  const flags = [
    s.changes ? '' : 'read-only',
    s.become ? 'sudo' : '',
    s.register ? `register ${s.register}` : '',
    s.tags.length ? `tags ${s.tags.join(',')}` : '',
  ].filter(Boolean);
  out.push(`${indent}${s.key}  ${s.name}${flags.length ? `  [${flags.join('; ')}]` : ''}`);
  const sub = `${indent}    `;
  if (s.when) out.push(`${sub}when: ${s.when}`);
  if (s.unless) out.push(`${sub}unless: ${s.unless}`);
  if (s.loop) out.push(`${sub}loop: ${s.loop}`);
  if (s.confirm) out.push(`${sub}confirm: ${s.confirm}`);
  if (s.skipIf) out.push(`${sub}skip if: ${s.skipIf}`);
  if (s.error) out.push(`${sub}!! cannot render: ${s.error}`);
  if (s.block) {
    for (const part of ['block', 'rescue', 'always'] as const) {
      if (!s.block[part].length) continue;
      out.push(`${sub}${part}:`);
      for (const c of s.block[part]) stepLines(c, `${sub}  `, out);
    }
  } else if (s.describe) {
    for (const line of s.describe.replace(/\s+$/, '').split('\n')) out.push(`${sub}${s.action === 'sh' ? '$ ' : ''}${line}`);
  }
}

function hostBlock(steps: PlanStep[], indent: string): string[] {
  const out: string[] = [];
  for (const s of steps) stepLines(s, indent, out);
  return out;
}

function groupHosts(batch: PlanHost[]): Array<{ hosts: string[]; lines: string[] }> {
  const groups: Array<{ hosts: string[]; lines: string[]; text: string }> = [];
  for (const h of batch) {
    const lines = hostBlock(h.steps, '      ');
    const text = lines.join('\n');
    const g = groups.find((x) => x.text === text);
    if (g) g.hosts.push(h.host);
    else groups.push({ hosts: [h.host], lines, text });
  }
  return groups;
}

/** Plan text, one line per fact; ends with a newline. */
export function renderPlanText(plan: Plan): string {
  const out: string[] = [`Plan for ${plan.runbook} on ${plan.inventory}`];
  for (const p of plan.phases) {
    const iter = p.iteration ? ` [${p.iteration.index}: ${JSON.stringify(p.iteration.item)}]` : '';
    if (p.skipped) {
      out.push('', `Phase ${p.index + 1}${iter}: ${p.name}   (skipped: ${p.skipped})`);
      continue;
    }
    out.push('', `Phase ${p.index + 1}${iter}: ${p.name}   (hosts: ${p.hosts.length ? p.hosts.join(', ') : 'none'}; serial ${p.serial}; max fail ${p.maxFailPercentage}%)`);
    if (p.condition) out.push(`  only if ${p.condition} (known at run time)`);
    if (p.problem) out.push(`  !! ${p.problem}`);
    p.batches.forEach((batch, bi) => {
      out.push(`  Batch ${bi + 1}/${p.batches.length}: ${batch.map((h) => h.host).join(', ')}`);
      for (const g of groupHosts(batch)) {
        out.push(`    ${g.hosts.length > 1 ? `hosts ${g.hosts.join(', ')}` : `host ${g.hosts[0]}`}:`);
        out.push(...g.lines);
      }
    });
  }
  out.push('', `${plan.phases.length} phase(s). Values shown as ⟨…⟩ are known only at run time. Nothing was contacted.`);
  return `${out.join('\n')}\n`;
}
