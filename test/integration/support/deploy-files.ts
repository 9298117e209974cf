/**
 * Reads deploy/ for the tests that hold it to the service: every PromQL expression in the
 * recording rules, alert rules and dashboard, and the metric names each one names.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const deployDir = fileURLToPath(new URL('../../../deploy', import.meta.url));

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ record?: string; alert?: string; expr: string }> }>;
}

export async function readRules(file: 'recording-rules.yml' | 'alert-rules.yml'): Promise<RuleFile> {
  return parse(await readFile(path.join(deployDir, 'prometheus', file), 'utf8')) as RuleFile;
}

/** Every `expr` in the dashboard (panel targets, templating queries, annotations), with where it is. */
export async function dashboardExpressions(): Promise<Array<{ where: string; expr: string }>> {
  const dashboard = JSON.parse(
    await readFile(path.join(deployDir, 'grafana', 'chipq-inference.json'), 'utf8'),
  );
  const found: Array<{ where: string; expr: string }> = [];
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) walk(child, `${where}[${i}]`);
    } else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      const label = typeof record.title === 'string' ? `${where} "${record.title}"` : where;
      for (const [key, value] of Object.entries(record)) {
        if ((key === 'expr' || key === 'definition') && typeof value === 'string')
          found.push({ where: label, expr: value });
        else walk(value, `${label}.${key}`);
      }
    }
  };
  walk(dashboard, 'dashboard');
  return found;
}

const keywords = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'le',
  'inf',
  'nan',
]);

/**
 * Metric names in a PromQL expression (recording-rule names with `:` included). A tokenizer,
 * not a parser: it drops strings, label matchers, grouping clauses, durations and Grafana
 * variables, then keeps identifiers not followed by `(` (functions) that are not keywords.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/label_values\(\s*([^,)]+)(,[^)]*)?\)/g, '$1')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\$\w+/g, '');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*(\()?)/g)) {
    const name = match[0];
    if (match[1] === '(' || keywords.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/**
 * Names a Prometheus text exposition defines, with a histogram's `_bucket`, `_sum` and
 * `_count` series (and a counter's `_total`, already part of its name in prom-client).
 */
export function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (name === undefined) continue;
    names.add(name);
    if (type === 'histogram' || type === 'summary')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}
