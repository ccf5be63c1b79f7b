/** A build stage of a Dockerfile: one `FROM` instruction and what follows it. */
export interface DockerfileStage {
  /** Position of the stage in the Dockerfile, from 0. */
  readonly index: number;
  /**
   * Name given with `AS`, in lower case (BuildKit compares stage names case-insensitively).
   * @default - an unnamed stage
   */
  readonly name?: string;
  /** The image or earlier stage the stage starts from, as written (`${BASE}` is not expanded). */
  readonly from: string;
  /**
   * The `--platform` flag of the `FROM` instruction, as written (e.g. `$BUILDPLATFORM`).
   * @default - the target platform of the build
   */
  readonly platform?: string;
}

// The parser follows BuildKit's Dockerfile frontend (frontend/dockerfile/parser): parser directives only at
// the top, comment lines and empty lines skipped (also inside a continued instruction), a line continued by
// the escape character at its end, instruction keywords in any case, and the bodies of RUN, COPY and ADD
// heredocs read up to their terminator.

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);
const HEREDOC = /^\d*<<(-?)([^<]*)$/;

/** The logical instructions of a Dockerfile: each one line, continuations joined, heredoc bodies left out. */
function instructions(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let continued = /\\[ \t]*$/;
  let directives = true;
  const result: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i++].replace(/^[ \t]+/, '');
    if (directives) {
      const directive = DIRECTIVE.exec(line);
      if (directive && DIRECTIVES.has(directive[1].toLowerCase())) {
        const escape = directive[2];
        if (directive[1].toLowerCase() === 'escape' && (escape === '`' || escape === '\\')) {
          continued = new RegExp(`\\${escape}[ \\t]*$`);
        }
        continue;
      }
      directives = false;
    }
    if (line === '' || line.startsWith('#')) continue;
    let instruction = line;
    let more = continued.test(instruction);
    if (more) instruction = instruction.replace(continued, '');
    while (more && i < lines.length) {
      const next = lines[i++];
      const trimmed = next.replace(/^[ \t]+/, '');
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      more = continued.test(next);
      instruction += more ? next.replace(continued, '') : next;
    }
    if (instruction.trim() === '') continue;
    result.push(instruction);
    for (const heredoc of heredocs(instruction)) {
      while (i < lines.length) {
        const body = lines[i++];
        if ((heredoc.chomp ? body.replace(/^\t+/, '') : body) === heredoc.name) break;
      }
    }
  }
  return result;
}

/** The heredocs (`<<EOF`, `<<-"EOF"`) a RUN, COPY or ADD instruction opens, in order. */
function heredocs(instruction: string): { name: string; chomp: boolean }[] {
  const all = words(instruction);
  if (!HEREDOC_INSTRUCTIONS.has((all[0] ?? '').toUpperCase()) || !instruction.includes('<<')) return [];
  const args = all.slice(1);
  while (args.length > 0 && args[0].startsWith('--')) args.shift();
  if ((args[0] ?? '').startsWith('[')) return []; // the exec (JSON) form has no heredocs
  const found: { name: string; chomp: boolean }[] = [];
  for (const word of args) {
    const match = HEREDOC.exec(word);
    const name = match?.[2].replace(/["']/g, '');
    if (match && name) found.push({ name, chomp: match[1] === '-' });
  }
  return found;
}

/** Shell-like words of an instruction: split at blanks outside quotes, quotes and escapes kept. */
function words(instruction: string): string[] {
  const result: string[] = [];
  let word = '';
  let quote: string | undefined;
  let started = false;
  for (let i = 0; i < instruction.length; i++) {
    const c = instruction[i];
    if (quote) {
      word += c;
      if (c === '\\' && quote === '"' && i + 1 < instruction.length) word += instruction[++i];
      else if (c === quote) quote = undefined;
    } else if (c === ' ' || c === '\t') {
      if (started) result.push(word);
      word = '';
      started = false;
    } else {
      started = true;
      word += c;
      if (c === '"' || c === "'") quote = c;
      else if (c === '\\' && i + 1 < instruction.length) word += instruction[++i];
    }
  }
  if (started) result.push(word);
  return result;
}

/**
 * The build stages of a Dockerfile's text, in order, as BuildKit reads them. Instructions BuildKit would
 * reject (a `FROM` with two arguments, say) are read as leniently as possible; the build reports them.
 */
export function dockerfileStages(text: string): DockerfileStage[] {
  return readStages(text).map((s) => s.stage);
}

/**
 * The instructions of one build stage, after its `FROM`, trimmed: the stage named `name` (compared in lower
 * case), or the last stage when no name is given. Empty when the Dockerfile has no such stage.
 */
export function dockerfileStageInstructions(text: string, name?: string): string[] {
  const stages = readStages(text);
  const wanted = name?.toLowerCase();
  const found =
    wanted === undefined ? stages[stages.length - 1] : stages.find((s) => s.stage.name === wanted);
  return found ? [...found.instructions] : [];
}

/** Each stage of the Dockerfile with the instructions that follow its `FROM`. */
function readStages(text: string): { stage: DockerfileStage; instructions: string[] }[] {
  const stages: { stage: DockerfileStage; instructions: string[] }[] = [];
  for (const instruction of instructions(text)) {
    const [keyword, ...rest] = instruction.trim().split(/[ \t]+/);
    if (keyword.toUpperCase() !== 'FROM') {
      stages[stages.length - 1]?.instructions.push(instruction.trim());
      continue;
    }
    let platform: string | undefined;
    while (rest.length > 0 && rest[0].startsWith('--')) {
      const flag = rest.shift()!;
      if (flag === '--') break;
      const [flagName, ...value] = flag.slice(2).split('=');
      if (flagName.toLowerCase() === 'platform') platform = value.join('=');
    }
    const named = rest.length === 3 && rest[1].toLowerCase() === 'as';
    stages.push({
      stage: {
        index: stages.length,
        from: rest[0] ?? '',
        ...(named ? { name: rest[2].toLowerCase() } : {}),
        ...(platform !== undefined ? { platform } : {}),
      },
      instructions: [],
    });
  }
  return stages;
}

/** The names of a Dockerfile's named stages, in lower case, each once, in the order they are declared. */
export function dockerfileStageNames(text: string): string[] {
  return [...new Set(dockerfileStages(text).flatMap((s) => (s.name ? [s.name] : [])))];
}
