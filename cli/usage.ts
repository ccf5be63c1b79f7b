import { ASSEMBLY_USAGE } from './args';
import { EXIT_CODES_USAGE, exitCodesUsage } from './exit-codes';

/** The tool's usage: its commands, the options of the tool itself, and the exit codes of every command. */
export const USAGE = `Usage: twinstack <command> [options]
       twinstack --version

Commands:
  compose   Write the local twin (compose file and .env.example) of an application.
  dev       Run the local twin as a development loop: regenerated as the app is edited, applied by Compose.
  parity    Compare the synthesized twins field by field; exit 1 when they differ.
  diff      Compare the synthesized templates and compose files with a committed baseline (CI).
  status    Show the deployed services: tasks, rollout, circuit breaker, failed tasks (--wait).
  images    Check the application's ECR images exist, with scan findings; --lock pins digests.
  graph     Draw the application as Mermaid or Graphviz.
  import    Turn a compose file into a typed twinstack stack, with a report of every key's fidelity.
  Run 'twinstack <command> --help' for the options and exit codes of each.

Options:
  -V, --version            print the version of twinstack
  -h, --help               show this help

${EXIT_CODES_USAGE}`;

/** The usage of `twinstack compose`, the command of the local inner loop. */
export const COMPOSE_USAGE = `Usage: twinstack compose [options]

Writes the local twin of one application: its compose file and, next to it, .env.example (the variables
the secrets and settings read). Only the application models are synthesized: no CloudFormation template,
no parity check, no AWS credentials.

Options:
  -o, --output FILE        compose file to write (default: docker-compose.yml)
  -a, --application NAME   application to render, when the app defines several
  -s, --stack ID           stack (artifact id) of the application, when several stacks hold one
      --stage NAME         render that stage of an app with stages (CDK context stage=NAME)
${ASSEMBLY_USAGE}
      --no-env-example     do not write .env.example next to the compose file
      --compat TARGET      render for an older compose: docker-compose-1.29 (no top-level name, the
                           proxy configuration as a file next to the compose file)
  -h, --help               show this help

${exitCodesUsage({ ok: 'the files are written' })}`;
