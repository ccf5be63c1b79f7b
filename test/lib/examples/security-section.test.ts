import * as fs from 'fs';
import * as path from 'path';
import { Validations } from 'aws-cdk-lib';
import { addExamples } from '../../../lib/examples';
import { PROJECT_ROOT, testApp } from '../../support/test-app';

// The README's security section lists every acknowledgement, by rule, for each rule set, with the count
// of rules per rule set. This keeps it true: each rule the examples acknowledge is listed under its rule
// set, and each count is the number of rules its table lists.

const PACKS = [
  { heading: '### cdk-nag AwsSolutions', name: 'AwsSolutions', id: /^AwsSolutions-[A-Za-z0-9]+/ },
  { heading: '### cdk-nag NIST 800-53 R5', name: 'NIST 800-53 R5', id: /^NIST\.800\.53\.R5-[A-Za-z0-9]+/ },
  { heading: '### AWS Control Tower proactive controls', name: 'Control Tower', id: /^[a-z0-9_]+_check$/ },
] as const;

const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('\n## Security\n'),
  readme.indexOf('\n## ', readme.indexOf('\n## Security\n') + 5),
);

/** The rule ids in the first column of a pack's table. */
function listedRules(heading: string, id: RegExp): Set<string> {
  const start = section.indexOf(`\n${heading}\n`);
  expect(start).toBeGreaterThan(0);
  const next = section.indexOf('\n### ', start + heading.length);
  const table = section.slice(start, next < 0 ? undefined : next);
  const rules = new Set<string>();
  for (const line of table.split('\n').filter((l) => l.startsWith('| `'))) {
    for (const [, token] of line.split('|')[1].matchAll(/`([^`]+)`/g)) {
      const match = id.exec(token);
      if (match) rules.add(match[0]);
    }
  }
  return rules;
}

/** The rule ids the examples acknowledge, by pack (the ids as the plugins report them, without details). */
function acknowledgedByExamples(): string[] {
  const app = testApp();
  addExamples(app);
  // Some acknowledgements are made once a construct is complete, by aspects during synthesis.
  app.synth();
  const ids = new Set<string>();
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const id of Object.keys(entry.data as Record<string, string>)) ids.add(id);
    }
  }
  return [...ids];
}

const acknowledged = acknowledgedByExamples();

test.each(PACKS.map((p) => [p.name, p] as const))(
  'the %s table lists every rule the examples acknowledge',
  (_name, pack) => {
    const listed = listedRules(pack.heading, pack.id);
    const ofPack = acknowledged
      .map((id) => id.replace(/^Annotation::/, '').replace(/^cdk-validator-cfnguard::/, ''))
      .map((id) => pack.id.exec(id)?.[0])
      .filter((id): id is string => id !== undefined);
    expect(ofPack.length).toBeGreaterThan(0);
    expect([...new Set(ofPack)].filter((id) => !listed.has(id)).sort()).toEqual([]);
  },
);

test("the section's counts are the number of rules each table lists", () => {
  const counts =
    /Acknowledged: (\d+) AwsSolutions\s+rules, (\d+) NIST 800-53 R5 rules, (\d+) Control Tower controls/.exec(
      section,
    );
  expect(counts).not.toBeNull();
  expect(counts!.slice(1).map(Number)).toEqual(PACKS.map((p) => listedRules(p.heading, p.id).size));
});
