// SPDX-License-Identifier: Apache-2.0
// docs/reliability.md's fault matrix says what test/e2e/fault-matrix.ts (the source, run by
// test/e2e/matrix.test.ts) says: every row Node can reach has a documented row with the same
// phase and fault whose "Node" cell is the one the table makes.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { FAULT_MATRIX, nodeCell } from '../e2e/fault-matrix.js';

const doc = readFileSync(new URL('../../docs/reliability.md', import.meta.url), 'utf8');

/** The rows of the table under "## Fault matrix", as cells. */
function docRows(): string[][] {
  const section = doc.split(/^## /m).find((s) => s.startsWith('Fault matrix'));
  if (section === undefined) throw new Error('docs/reliability.md has no "## Fault matrix"');
  const lines = section.split('\n').filter((l) => l.startsWith('| '));
  const header = lines[0]?.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, ''));
  expect(header).toEqual([
    'phase',
    'fault',
    'outcome (errno / status)',
    'recovery',
    'Node',
    'test',
  ]);
  // Cells are split on " | " (a cell's own "|" sits inside backquotes without spaces around).
  return lines.slice(2).map((l) => l.replace(/^\| | \|$/g, '').split(' | '));
}

describe('fault matrix: docs/reliability.md and test/e2e/fault-matrix.ts', () => {
  const rows = docRows();

  it('the documented table has rows of six cells', () => {
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) expect(r, r.join(' | ')).toHaveLength(6);
  });

  for (const row of FAULT_MATRIX) {
    it(`${row.phase} | ${row.fault}: documented, Node cell "${nodeCell(row)}"`, () => {
      const found = rows.filter((r) => r[0] === row.phase && r[1] === row.fault);
      expect(found).toHaveLength(1);
      expect(found[0]?.[4]).toBe(nodeCell(row));
    });
  }
});
