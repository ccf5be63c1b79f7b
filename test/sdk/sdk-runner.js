// Runs AWS SDK calls in a process of its own, as a workload of the local twin would: the clients are
// created with no configuration at all, so the SDK itself finds the endpoints (AWS_ENDPOINT_URL_S3,
// AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_DYNAMODB), the region and the credentials in this process's
// environment, which the test sets to what the local twin gives the workload.
//
// Reads a JSON list of steps on standard input and prints one JSON list of results on standard output.
// A step is `{ client, command, input, attempts?, orElse? }`: `client` is `s3`, `sqs` or `dynamodb`,
// `command` the SDK command's name without `Command` (`PutObject`), `input` its input, in which
// `{ "$env": NAME }` stands for the value of the variable NAME and `{ "$result": [step, key, ...] }` for a
// value of an earlier step's output. `attempts` repeats a failing call (a second apart) that many times,
// and `orElse` is a step run only when this one failed (the shell's `a || b`). A result is
// `{ output }` (the output without its metadata, an object body read as text) or `{ error }` (the
// error's name, as the SDK reports it); `else` holds the result of `orElse` when it ran.
'use strict';

const CLIENTS = {
  s3: () => require('@aws-sdk/client-s3'),
  sqs: () => require('@aws-sdk/client-sqs'),
  dynamodb: () => require('@aws-sdk/client-dynamodb'),
};
const CLIENT_CLASSES = { s3: 'S3Client', sqs: 'SQSClient', dynamodb: 'DynamoDBClient' };

const clients = {};
function clientOf(name) {
  if (!CLIENTS[name]) throw new Error(`unknown client ${name}`);
  // No endpoint, region or credentials here: the SDK reads them from the environment.
  clients[name] ??= new (CLIENTS[name]()[CLIENT_CLASSES[name]])({});
  return clients[name];
}

function resolve(value, results) {
  if (Array.isArray(value)) return value.map((v) => resolve(v, results));
  if (value && typeof value === 'object') {
    if (typeof value.$env === 'string') {
      if (process.env[value.$env] === undefined) throw new Error(`variable ${value.$env} is not set`);
      return process.env[value.$env];
    }
    if (Array.isArray(value.$result)) {
      const [step, ...keys] = value.$result;
      return keys.reduce((v, k) => v?.[k], results[step]?.output);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, results)]));
  }
  return value;
}

async function plain(output) {
  const { $metadata: _metadata, ...rest } = output;
  if (rest.Body && typeof rest.Body.transformToString === 'function')
    rest.Body = await rest.Body.transformToString();
  return JSON.parse(JSON.stringify(rest));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(step, results) {
  const module = CLIENTS[step.client]?.();
  const Command = module?.[`${step.command}Command`];
  if (!Command) throw new Error(`no command ${step.command} in the ${step.client} client`);
  const attempts = step.attempts ?? 1;
  let result;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      result = {
        output: await plain(await clientOf(step.client).send(new Command(resolve(step.input, results)))),
      };
      break;
    } catch (e) {
      result = { error: e.name ?? String(e) };
      if (attempt < attempts) await sleep(1000);
    }
  }
  if (result.error && step.orElse) result.else = await run(step.orElse, results);
  return result;
}

async function main() {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  const results = [];
  for (const step of JSON.parse(text)) results.push(await run(step, results));
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
