import { formatParityReport, ParityReport } from '../../../constructs/parity';

const report: ParityReport = {
  application: 'shop',
  entries: [
    { service: 'api', field: 'command', cloud: '["serve"]', local: '["serve"]', kind: 'same' },
    {
      service: 'api',
      field: 'taskCount',
      cloud: '2 tasks',
      local: '1 container',
      kind: 'stand-in',
      standIn: 'task-count',
      reason: 'the local twin runs one container of each service',
    },
    {
      service: 'worker',
      field: 'environment.MODE',
      cloud: 'fast',
      local: 'x'.repeat(80),
      kind: 'error',
      reason: 'the twins set different values',
    },
  ],
  differences: [],
  errors: [],
  notes: ['something was not compared'],
};
const withDifferences: ParityReport = {
  ...report,
  differences: report.entries.filter((e) => e.kind !== 'same') as ParityReport['differences'],
  errors: report.entries.filter((e) => e.kind === 'error') as ParityReport['errors'],
};

test('summarises, then one table per service with the verdict and the reason of each difference', () => {
  const text = formatParityReport(withDifferences);
  const lines = text.split('\n');
  expect(lines[0]).toBe("parity of application 'shop': 1 error, 1 declared stand-in, 1 fields the same");
  expect(text).toContain('\napi\n  field     | cloud     | local       | verdict\n');
  expect(text).toMatch(/ {2}taskCount \| 2 tasks {3}\| 1 container \| stand-in \(task-count\)/);
  expect(text).toContain('    taskCount: the local twin runs one container of each service');
  expect(text).toContain('\nworker (1 error)\n');
  expect(text).toMatch(/environment\.MODE \| fast {2}\| x{45}\.\.\. \| ERROR/);
  expect(text).toContain('notes:\n  - something was not compared');
});

test('can leave out the fields that agree', () => {
  const text = formatParityReport(withDifferences, { showSame: false });
  expect(text).not.toContain('command');
  expect(text).toContain('taskCount');
});
