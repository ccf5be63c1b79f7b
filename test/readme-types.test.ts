import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { PROJECT_ROOT } from './support/test-app';

// Every TypeScript block of the README, type-checked as a user's file against the library under `strict`,
// with `twinstack` resolved to the public API (constructs/index.ts). A fragment names the prelude that
// declares what it uses (`<!-- prelude: NAME -->` before its fence; the preludes are in
// test/fixtures/readme-preludes.md); a block meant not to compile says `<!-- not compiled: WHY -->`. All
// blocks are checked by one Program.

const README = 'README.md';
const PRELUDES = path.join('test', 'fixtures', 'readme-preludes.md');
const LIBRARY = path.join(PROJECT_ROOT, 'constructs') + path.sep;

interface CodeBlock {
  /** 1-based line of the block's first line of code in its markdown file. */
  readonly line: number;
  readonly code: string;
  /** The nearest non-blank line before the opening fence. */
  readonly before: string;
  /** The nearest `#` heading above the block. */
  readonly heading: string;
}

/** The fenced TypeScript blocks (`ts`, `typescript`) of a markdown text, in order. */
function typeScriptBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*(\S*)/.exec(lines[i]);
    if (!open) {
      const h = /^#{1,6}\s+(.*)$/.exec(lines[i]);
      if (h) heading = h[1].trim();
      continue;
    }
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[end]))
      end++;
    if (['ts', 'typescript'].includes(lang.toLowerCase())) {
      let b = i - 1;
      while (b >= 0 && lines[b].trim() === '') b--;
      const code = lines
        .slice(i + 1, end)
        .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
        .join('\n');
      blocks.push({ line: i + 2, code, before: b >= 0 ? lines[b].trim() : '', heading });
    }
    i = end;
  }
  return blocks;
}

type Marker = { kind: 'whole' } | { kind: 'prelude'; name: string } | { kind: 'not compiled'; why: string };

/** What the HTML comment before a block says about it; a comment of another form is an error. */
function marker(block: CodeBlock): Marker {
  const comment = /^<!--\s*(.*?)\s*-->$/.exec(block.before);
  if (!comment) return { kind: 'whole' };
  const prelude = /^prelude:\s*([\w-]+)$/.exec(comment[1]);
  if (prelude) return { kind: 'prelude', name: prelude[1] };
  const notCompiled = /^not compiled:\s*(\S.*)$/.exec(comment[1]);
  if (notCompiled) return { kind: 'not compiled', why: notCompiled[1] };
  throw new Error(
    `${README}:${block.line}: the comment before this block is neither '<!-- prelude: NAME -->' nor '<!-- not compiled: WHY -->': ${block.before}`,
  );
}

interface CheckedFile {
  /** Where a diagnostic in the file points, as `file:line`. */
  readonly where: (line: number) => string;
  readonly text: string;
}

/** The diagnostics of each virtual file, all type-checked by one Program. */
function typeCheck(files: ReadonlyMap<string, CheckedFile>): Map<string, string[]> {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    // No baseUrl: with one, `constructs` would resolve to the library's folder rather than the package.
    paths: { twinstack: [path.join(PROJECT_ROOT, 'constructs', 'index.ts')] },
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f)?.text ?? readFile.call(host, f);
  host.getSourceFile = (f, language, ...rest) => {
    const file = files.get(f);
    return file
      ? ts.createSourceFile(f, file.text, language, true, ts.ScriptKind.TS)
      : getSourceFile.call(host, f, language, ...rest);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const general = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (general.length) throw new Error(ts.formatDiagnostics(general, host));
  const checker = program.getTypeChecker();
  const result = new Map<string, string[]>();
  for (const [name, file] of files) {
    const source = program.getSourceFile(name)!;
    const lineOf = (position: number) => source.getLineAndCharacterOfPosition(position).line;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ].map((d) => {
      const where = file.where(d.start === undefined ? 0 : lineOf(d.start));
      return `${where}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    // The sources show what `stripInternal` leaves out of the published declarations: a block may not use it.
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && internal(checker, node))
        diagnostics.push(
          `${file.where(lineOf(node.getStart()))}: uses ${node.text}, which is @internal (not in the published declarations)`,
        );
      ts.forEachChild(node, visit);
    };
    visit(source);
    result.set(name, diagnostics);
  }
  return result;
}

/** Whether an identifier names a declaration of the library marked `@internal`. */
function internal(checker: ts.TypeChecker, node: ts.Identifier): boolean {
  let symbol = checker.getSymbolAtLocation(node);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return (symbol?.declarations ?? []).some(
    (d) =>
      d.getSourceFile().fileName.startsWith(LIBRARY) &&
      ts.getJSDocTags(d).some((t) => t.tagName.text === 'internal'),
  );
}

const readme = typeScriptBlocks(fs.readFileSync(path.join(PROJECT_ROOT, README), 'utf8'));
const preludes = new Map<string, CodeBlock>();
for (const block of typeScriptBlocks(fs.readFileSync(path.join(PROJECT_ROOT, PRELUDES), 'utf8')))
  if (!preludes.has(block.heading)) preludes.set(block.heading, block);

/**
 * The virtual file of a README block: its prelude, then the block, as a module of its own (so blocks do
 * not share names), at a path in the project so that packages resolve from its node_modules.
 */
function blockFile(block: CodeBlock, code = block.code): [string, CheckedFile] {
  const m = marker(block);
  const prelude = m.kind === 'prelude' ? preludes.get(m.name) : undefined;
  if (m.kind === 'prelude' && !prelude)
    throw new Error(`${README}:${block.line}: no prelude '${m.name}' in ${PRELUDES}`);
  const head = prelude ? `${prelude.code}\n` : '';
  const offset = head.split('\n').length - 1;
  const where = (line: number) =>
    line < offset ? `${PRELUDES}:${prelude!.line + line}` : `${README}:${block.line + line - offset}`;
  const name = path.join(PROJECT_ROOT, 'test', 'readme-blocks', `README.md.${block.line}.ts`);
  return [name, { where, text: `${head}${code}\nexport {};\n` }];
}

// A copy of the tour with a wrong prop and a call of an internal method, to show that the check reports
// either at its README line.
const tour = readme[0];
const brokenTour = `${tour.code.replace('cpu: 512,', "cpu: '512',")}db.field('url')._toSpec();\n`;
const brokenLine = tour.line + tour.code.split('\n').findIndex((l) => l.includes('cpu: 512,'));
const internalLine = tour.line + tour.code.split('\n').length - 1;
const [brokenName, brokenFile] = blockFile(tour, brokenTour);
const brokenFiles: [string, CheckedFile] = [
  brokenName.replace(/\.ts$/, '.broken.ts'),
  { ...brokenFile, where: (line) => `broken ${brokenFile.where(line)}` },
];

const files = new Map([...readme.map((b) => blockFile(b)), brokenFiles]);
let diagnostics = new Map<string, string[]>();
beforeAll(() => {
  diagnostics = typeCheck(files);
}, 120_000);
const diagnosticsOf = (block: CodeBlock) => {
  const found = diagnostics.get(blockFile(block)[0]);
  if (!found) throw new Error(`${README}:${block.line}: the block was not type-checked`);
  return found;
};

test('the README has TypeScript blocks, each read with its marker', () => {
  const fences = fs
    .readFileSync(path.join(PROJECT_ROOT, README), 'utf8')
    .split('\n')
    .filter((l) => /^\s*```\s*(ts|typescript)\s*$/i.test(l));
  expect(readme.length).toBe(fences.length);
  expect(readme.length).toBeGreaterThanOrEqual(6);
  expect(tour.heading).toBe('A tour of the API');
  expect(marker(tour)).toEqual({ kind: 'whole' });
});

test('every TypeScript block of the README type-checks against the library under strict', () => {
  // A block marked not compiled must fail, so that the marker cannot hide a block that works.
  const wrong = readme.flatMap((block) => {
    const errors = diagnosticsOf(block);
    if (marker(block).kind !== 'not compiled') return errors;
    return errors.length ? [] : [`${README}:${block.line}: marked not compiled, but it compiles`];
  });
  expect(wrong).toEqual([]);
});

test('a wrong block is reported at its README line', () => {
  expect(brokenTour).not.toBe(tour.code);
  expect(diagnostics.get(brokenFiles[0])).toEqual([
    expect.stringMatching(
      new RegExp(`^broken ${README}:${brokenLine}: TS2322 Type 'string' is not assignable`),
    ),
    `broken ${README}:${internalLine}: uses _toSpec, which is @internal (not in the published declarations)`,
  ]);
});

test('every prelude is used by a block', () => {
  const used = new Set(readme.map(marker).flatMap((m) => (m.kind === 'prelude' ? [m.name] : [])));
  expect([...preludes.keys()].sort()).toEqual([...used].sort());
});
