import { spawn } from 'child_process';
import * as fs from 'fs';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';
import S3rver from 's3rver';
import { DUMMY_ACCOUNT } from 's3rver/lib/models/account';

/** One SDK call for test/sdk/sdk-runner.js (its header says what each field means). */
export interface SdkStep {
  readonly client: 's3' | 'sqs' | 'dynamodb';
  readonly command: string;
  readonly input: Record<string, unknown>;
  readonly attempts?: number;
  readonly orElse?: SdkStep;
}

/** What sdk-runner.js reports for a step. */
export interface SdkResult {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly output?: any;
  readonly error?: string;
  readonly else?: SdkResult;
}

/** The SDK client of each AWS CLI command group the init script uses. */
const CLIENT_OF_CLI_SERVICE: Record<string, SdkStep['client']> = {
  s3api: 's3',
  sqs: 'sqs',
  dynamodb: 'dynamodb',
};

/** Splits one line of shell into words (single and double quotes removed) and the operators `||`, `|`, `;`. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1])) i++;
        else if (line[i] === '$' || line[i] === '`')
          throw new Error(`shell expansion the SDK tests do not interpret (${line[i]}) in: ${line}`);
        text += line[i];
      }
      word = (word ?? '') + text;
    } else if ((c === '|' || c === ';') && word === undefined) {
      const op = c === '|' && line[i + 1] === '|' ? '||' : c;
      words.push(op);
      i += op.length - 1;
    } else if (c === '$' || c === '`' || c === '\\') {
      throw new Error(`shell expansion the SDK tests do not interpret (${c}) in: ${line}`);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

const pascal = (kebab: string) =>
  kebab
    .split('-')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');

/**
 * An option value as the AWS CLI reads it: JSON when it starts with `{` or `[`, the CLI's shorthand
 * `Key=value,Key=value` (with `true` and `false` as booleans), or the text.
 */
function cliValue(text: string): unknown {
  if (/^[[{]/.test(text)) return JSON.parse(text);
  if (/^[A-Za-z]+=/.test(text))
    return Object.fromEntries(
      text.split(',').map((pair) => {
        const [key, value] = pair.split('=');
        return [key, value === 'true' ? true : value === 'false' ? false : value];
      }),
    );
  return text;
}

/** `aws <service> <operation> --option value ...` as an SDK step: the CLI's names in PascalCase. */
function cliCommand(words: readonly string[], line: string): SdkStep {
  const kept = words.filter((w) => w !== '>/dev/null' && w !== '2>&1');
  const [aws, service, operation, ...options] = kept;
  const client = CLIENT_OF_CLI_SERVICE[service];
  if (aws !== 'aws' || !client || !operation) throw new Error(`not an AWS CLI call: ${line}`);
  const input: Record<string, unknown> = {};
  for (let i = 0; i < options.length; i += 2) {
    const [option, value] = [options[i], options[i + 1]];
    if (!option.startsWith('--') || value === undefined || value.startsWith('--'))
      throw new Error(`option without a value in: ${line}`);
    input[pascal(option.slice(2))] = cliValue(value);
  }
  return { client, command: pascal(operation), input };
}

/** The wait loop the init job starts with for each stand-in: `until <probe>; do ... sleep 1; done`. */
const WAIT_LOOP =
  /^i=0; until (aws [^;]+?) >\/dev\/null 2>&1; do i=.*; if \[ "\$i" -ge (\d+) \]; then .*; sleep 1; done$/;

/**
 * The SDK calls the local twin's init script makes, in order: its wait loops (each probe repeated, a
 * second apart, as often as the loop would) and its `check || create` lines. A line of any other form
 * (a pipe, an expansion) fails the test, so a new form of the script is read here before it is trusted.
 */
export function initScriptSteps(script: string): SdkStep[] {
  const steps: SdkStep[] = [];
  for (const line of script.split('\n')) {
    if (line === 'set -e') continue;
    const wait = WAIT_LOOP.exec(line);
    if (wait) {
      steps.push({ ...cliCommand(shellWords(wait[1]), line), attempts: Number(wait[2]) });
      continue;
    }
    const words = shellWords(line);
    if (words.some((w) => w === '|' || w === ';'))
      throw new Error(`a line the SDK tests do not interpret: ${line}`);
    const alternatives: string[][] = [[]];
    for (const w of words) {
      if (w === '||') alternatives.push([]);
      else alternatives[alternatives.length - 1].push(w);
    }
    const chain = alternatives
      .map((a) => cliCommand(a, line))
      .reduceRight<SdkStep | undefined>((orElse, step) => (orElse ? { ...step, orElse } : step), undefined);
    steps.push(chain!);
  }
  return steps;
}

/** A compose service's environment with `${NAME:?message}` replaced by `.env`'s value and `$$` by `$`. */
export function interpolate(environment: Record<string, string>, dotenv: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => {
      const text = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*):\?[^}]*\}|\$\$|\$/g, (m, name?: string) => {
        if (m === '$$') return '$';
        if (!name) throw new Error(`an interpolation the SDK tests do not read in ${key}: ${value}`);
        if (!dotenv[name]) throw new Error(`${name} is not set in .env`);
        return dotenv[name];
      });
      return [key, text];
    }),
  );
}

/** The loopback emulators, each with the origin it answers on. */
export interface Emulators {
  readonly s3: string;
  readonly sqs: string;
  readonly dynamodb: string;
  close(): Promise<void>;
}

const origin = (address: AddressInfo) => `http://127.0.0.1:${address.port}`;

/**
 * Starts the emulators on 127.0.0.1, each on a port the system chooses: s3rver (accepting exactly the
 * credentials given), local-aws-sqs (with ElasticMQ's region and account in its ARNs, as the local twin's
 * queue ARNs have them) and dynalite (in memory, tables active at once, as DynamoDB Local's are).
 */
export async function startEmulators(credentials: { accessKeyId: string; secretAccessKey: string }) {
  DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const s3Address = await s3.run();
  const sqs = await createSqsServer({
    port: 0,
    hostname: '127.0.0.1',
    region: 'elasticmq',
    accountId: '000000000000',
  });
  const dynamodb = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => dynamodb.listen(0, '127.0.0.1', resolve));
  const closeServer = (server: { close(cb: () => void): void }) =>
    new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    s3: origin(s3Address),
    sqs: origin(sqs.address() as AddressInfo),
    dynamodb: origin(dynamodb.address() as AddressInfo),
    close: async () => {
      await Promise.all([s3.close(), closeServer(sqs), closeServer(dynamodb)]);
      fs.rmSync(directory, { recursive: true, force: true });
    },
  } satisfies Emulators;
}

/**
 * `environment` with each stand-in's origin (`http://aws-s3:7070`) replaced by its emulator's, wherever it
 * occurs (the endpoints, and the queue URLs, whose host the SQS client sends requests to): what the
 * network's name resolution and port mapping would do, and nothing else. Also returns the names of the
 * variables it changed.
 */
export function onLoopback(
  environment: Record<string, string>,
  origins: Record<string, string>,
): { environment: Record<string, string>; rewritten: string[] } {
  const rewritten: string[] = [];
  const out = Object.fromEntries(
    Object.entries(environment).map(([key, value]) => {
      let text = value;
      for (const [from, to] of Object.entries(origins)) text = text.split(from).join(to);
      if (text !== value) rewritten.push(key);
      return [key, text];
    }),
  );
  return { environment: out, rewritten: rewritten.sort() };
}

const RUNNER = path.join(__dirname, 'sdk-runner.js');

/**
 * Runs `steps` in a node process whose environment is `environment` alone, plus `PATH` and an empty
 * `HOME` (as a fresh container has: no `~/.aws` the SDK could read instead).
 */
export function runSdk(
  environment: Record<string, string>,
  steps: readonly SdkStep[],
): Promise<{ results: SdkResult[]; stderr: string }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'home-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER], {
      env: { ...environment, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.rmSync(home, { recursive: true, force: true });
      if (code !== 0) reject(new Error(`sdk-runner.js exited ${code}: ${stderr}`));
      else resolve({ results: JSON.parse(stdout), stderr });
    });
    child.stdin.end(JSON.stringify(steps));
  });
}
