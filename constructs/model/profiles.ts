import { invalid } from '../errors';

/** Compose profile of the scheduled jobs in the local twin: they start only with `docker compose run`. */
export const JOBS_PROFILE = 'jobs';

const PROFILE_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** Checks the name of an optional part (a compose profile) a workload belongs to. */
export function checkProfileName(path: string, prop: string, profile: unknown): string {
  if (typeof profile !== 'string' || !PROFILE_NAME.test(profile)) {
    throw invalid(
      path,
      prop,
      profile,
      'is not a valid profile name; use 1 to 63 lowercase letters, digits, "-" or "_", starting with a letter',
    );
  }
  if (profile === JOBS_PROFILE) {
    throw invalid(
      path,
      prop,
      profile,
      `is reserved: the local twin puts scheduled jobs in profile '${JOBS_PROFILE}'; choose another name`,
    );
  }
  return profile;
}
