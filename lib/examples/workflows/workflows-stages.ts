import { SettingsOf, Stages } from '../../../constructs';

/** The AWS account and region of the development and test stages. */
export const NONPROD_ENV = { account: '111111111111', region: 'eu-west-1' };
/** The AWS account and region of production. */
export const PROD_ENV = { account: '222222222222', region: 'eu-central-1' };

/**
 * The stages of the workflows application, BigFlow style: one set of settings with per-stage overrides,
 * strings referring to other settings as `{name}`. Development and test share an account; production has
 * its own account and region. Only what really differs is overridden.
 */
export const WORKFLOWS_STAGES = new Stages({
  settings: {
    project: 'workflows',
    // The shared registry a release pipeline pushes the image to once (see WorkflowsStack).
    imageRepositoryArn: 'arn:aws:ecr:eu-west-1:333333333333:repository/{project}',
    domain: 'workflows.example.com',
    apiUrl: 'https://api.{stage}.{domain}',
    resultsUri: 's3://{project}-results-{account}/{stage}/',
    logLevel: 'DEBUG',
    apiTasks: 1,
    apiCpu: 256,
    apiMemoryMiB: 512,
    workerMaxTasks: 2,
    dailySchedule: '0 3 * * ? *',
    databaseInstance: 't4g.micro',
    databaseMultiAz: false,
    deletionProtection: false,
  },
  stages: {
    dev: { env: NONPROD_ENV, profiles: ['tools'], settings: { dailySchedule: '0 6 ? * MON-FRI *' } },
    test: { env: NONPROD_ENV, settings: { logLevel: 'INFO' } },
    prod: {
      env: PROD_ENV,
      terminationProtection: true,
      settings: {
        apiUrl: 'https://api.{domain}',
        logLevel: 'WARNING',
        apiTasks: 3,
        apiCpu: 1024,
        apiMemoryMiB: 2048,
        workerMaxTasks: 10,
        databaseInstance: 'm7g.large',
        databaseMultiAz: true,
        deletionProtection: true,
      },
    },
  },
});

/** The settings every stage of the workflows application has. */
export type WorkflowsSettings = SettingsOf<typeof WORKFLOWS_STAGES>;
