import { ASSEMBLY_USAGE } from './args';

/** The tool's usage: its commands, and the options of `compose`, the command of the local inner loop. */
export const USAGE = `Usage: twinstack <command> [options]

Commands:
  compose   Write the local twin (compose file and .env.example) of an application.
  parity    Compare the synthesized twins field by field; exit 1 when they differ.
  diff      Compare the synthesized templates and compose files with a committed baseline (CI).
  status    Show the deployed services: tasks, rollout, circuit breaker, failed tasks (--wait).
  images    Check the application's ECR images exist, with scan findings; --lock pins digests.
  graph     Draw the application as Mermaid or Graphviz.
  Run 'twinstack <command> --help' for the options of each.

Options of compose:
  -o, --output FILE        compose file to write (default: docker-compose.yml)
  -a, --application NAME   application to render, when the app defines several
  -s, --stack ID           stack (artifact id) of the application, when several stacks hold one
      --stage NAME         render that stage of an app with stages (CDK context stage=NAME)
${ASSEMBLY_USAGE}
      --no-env-example     do not write .env.example next to the compose file
      --compat TARGET      render for an older compose: docker-compose-1.29 (no top-level name, the
                           proxy configuration as a file next to the compose file)
  -h, --help               show this help
`;
